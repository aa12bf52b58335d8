// Email capture: the real SESv2Client's SendEmail lands here (AWS_ENDPOINT_URL_SESV2 points at the
// local runtime) and is readable at GET /_local/outbox. Kept in a JSON-lines file so it survives a restart.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http-api';

export interface OutboxMail {
  readonly id: string;
  readonly at: string;
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
}

interface SesV2SendEmail {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Content?: { Simple?: { Subject?: { Data?: string }; Body?: { Text?: { Data?: string }; Html?: { Data?: string } } } };
}

export class Outbox {
  private readonly mails: OutboxMail[] = [];

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          this.mails.push(JSON.parse(line) as OutboxMail);
        } catch {
          // A torn last line after a crash: skip it rather than refuse to start.
        }
      }
    }
  }

  get count(): number {
    return this.mails.length;
  }

  list(filter: { to?: string } = {}): OutboxMail[] {
    const to = filter.to?.toLowerCase();
    return this.mails.filter((m) => !to || m.to.some((t) => t.toLowerCase() === to)).reverse();
  }

  async handleSesSendEmail(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let input: SesV2SendEmail;
    try {
      input = JSON.parse((await readBody(req)).toString('utf8')) as SesV2SendEmail;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'BadRequestException' });
      res.end(JSON.stringify({ message: 'Request body is not valid JSON' }));
      return;
    }
    const to = [...(input.Destination?.ToAddresses ?? []), ...(input.Destination?.CcAddresses ?? []), ...(input.Destination?.BccAddresses ?? [])];
    const simple = input.Content?.Simple;
    if (!input.FromEmailAddress || to.length === 0 || !simple?.Subject?.Data) {
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'BadRequestException' });
      res.end(JSON.stringify({ message: 'FromEmailAddress, a destination and Content.Simple.Subject are required' }));
      return;
    }
    const mail: OutboxMail = {
      id: randomUUID(),
      at: new Date().toISOString(),
      from: input.FromEmailAddress,
      to,
      subject: simple.Subject.Data,
      ...(simple.Body?.Text?.Data !== undefined ? { text: simple.Body.Text.Data } : {}),
      ...(simple.Body?.Html?.Data !== undefined ? { html: simple.Body.Html.Data } : {}),
    };
    this.mails.push(mail);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(mail)}\n`, { mode: 0o600 });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ MessageId: mail.id }));
  }
}
