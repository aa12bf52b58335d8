// Target of project.handed_over: tell the CPO and the site owner, with the certificate link.
import type { EventBridgeEvent } from 'aws-lambda';
import { getOperator } from '../../lib/db/operators';
import { getProject, getTeam } from '../../lib/db/projects';
import { sendEmail } from '../../lib/email/send';
import type { DomainEvent } from '../../lib/events/catalogue';

export const handler = async (event: EventBridgeEvent<'project.handed_over', DomainEvent<'project.handed_over'>>): Promise<void> => {
  const d = event.detail.data;
  const project = await getProject(d.project_id);
  if (!project) return;
  const [operator, team] = await Promise.all([getOperator(project.operatorId), getTeam(project.operatorId, project.teamId)]);
  const text = [
    `Project ${project.jobNumber} (${project.name}) was handed over at ${d.handed_over_at} by ${d.handed_over_by}.`,
    `${d.charge_point_ids.length} charge point(s) were commissioned.`,
    '',
    `Signed handover certificate: ${d.handover_certificate_url}`,
    `SHA-256: ${d.certificate_sha256}`,
  ].join('\n');
  const to = [operator?.contactEmail, team?.ownerEmail].filter((x): x is string => !!x);
  for (const recipient of new Set(to)) {
    await sendEmail({ to: [recipient], subject: `Handover certificate: ${project.jobNumber} ${project.name}`, text });
  }
};
