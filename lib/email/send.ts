// Email goes out through SES v2 (the local runtime captures it in the outbox).
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import { requireEnv } from '../env';

export const EmailRequestSchema = z.object({
  to: z.array(z.email()).min(1),
  subject: z.string().min(1).max(200),
  text: z.string().min(1),
  html: z.string().optional(),
});
export type EmailRequest = z.infer<typeof EmailRequestSchema>;

let client: SESv2Client | undefined;

export async function sendEmail(input: EmailRequest): Promise<void> {
  const email = EmailRequestSchema.parse(input);
  client ??= new SESv2Client({});
  await client.send(
    new SendEmailCommand({
      FromEmailAddress: requireEnv('EMAIL_FROM'),
      Destination: { ToAddresses: email.to },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, ...(email.html ? { Html: { Data: email.html, Charset: 'UTF-8' } } : {}) },
        },
      },
    }),
  );
}
