// Request and response shapes of the people routes (issue #16: invitations, locations, teams), for
// lib/api/contract.ts and the OpenAPI document. Kept apart from schemas.ts/responses.ts so the
// accounts and operators work can grow theirs without touching these.
import { z } from 'zod';
import { RIGHTS } from '../domain/access';
import { INVITATION_KINDS } from '../db/invitations';
import { id } from './schemas';

const text = (max: number) => z.string().trim().min(1).max(max);
const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape);
const str = z.string();
const nstr = z.string().nullable();
const time = z.iso.datetime();
const ntime = time.nullable();
const isoTime = z.iso.datetime({ offset: true });

// --- Requests ------------------------------------------------------------------------------------

/** An invitation token in a path: the link's credential (checked in domain/invitations.ts). */
export const InvitationTokenParams = z.object({ token: z.string().min(1).max(128) });
export const InvitationParams = z.object({ invitation_id: id });
export const LocationParams = z.object({ location_id: id });
export const LocationChargePointParams = z.object({ location_id: id, charge_point_id: id });
export const LocationInstallerParams = z.object({ location_id: id, account_id: id });
export const LocationInvitationParams = z.object({ location_id: id, invitation_id: id });
export const TeamParams = z.object({ team_id: id });
export const TeamMemberParams = z.object({ team_id: id, account_id: id });

export const CreateLocationBody = z.object({
  operator_id: id,
  name: text(120),
  address: text(300),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as GB'),
  customer_name: text(120).optional(),
});

/** What registration lets an installer set again on a charger it registered (a new serial is a new charger). */
export const ReconfigureChargePointBody = z
  .object({
    ocpp_protocol: z.enum(['ocpp1.6', 'ocpp2.0.1']).optional(),
    connector_count: z.number().int().min(1).max(16).optional(),
    vendor: text(50).optional(),
    model: text(50).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'must change at least one of ocpp_protocol, connector_count, vendor, model' });

export const CreateLocationInvitationBody = z.object({
  kind: z.enum(['team_owner', 'location_installer', 'team_member']),
  email: z.email().max(254),
  /** location_installer: the owner's consent to the installer seeing sensitive data. */
  sensitive_data: z.boolean().optional(),
  /** location_installer: full access until then; `null` = indefinitely; absent = 14 days from acceptance. */
  full_access_until: isoTime.nullable().optional(),
  /** team_member: the role (`admin` or `member`) and rights. */
  role: z.enum(['admin', 'member']).optional(),
  rights: z.array(z.enum(RIGHTS)).max(RIGHTS.length).optional(),
});

export const SetInstallerAccessBody = z.object({
  /** Full access until then; `null` = indefinitely. */
  full_access_until: isoTime.nullable(),
  sensitive_data: z.boolean().optional(),
});

export const OwnerInvitationBody = z.object({ email: z.email().max(254) });
export const InviteTeamMemberBody = z.object({ email: z.email().max(254), role: z.enum(['admin', 'member']), rights: z.array(z.enum(RIGHTS)).max(RIGHTS.length).optional() });
export const UpdateTeamMemberBody = z.object({ role: z.enum(['admin', 'member']), rights: z.array(z.enum(RIGHTS)).max(RIGHTS.length) });

// --- Responses -----------------------------------------------------------------------------------

export const InvitationPreview = obj({
  kind: z.enum(INVITATION_KINDS),
  email: str,
  invited_by: obj({ name: nstr, email: nstr }),
  operator: obj({ name: nstr }),
  team: obj({ team_id: str, name: str }).nullable(),
  location: obj({ location_id: str, name: str, address: str, country: str }).nullable(),
  role: nstr,
  rights: z.array(z.enum(RIGHTS)),
  sensitive_data: z.boolean(),
  full_access_until: ntime,
  expires_at: time,
});

export const Invitation = obj({
  invitation_id: str,
  kind: z.enum(INVITATION_KINDS),
  email: str,
  location_id: nstr,
  team_id: nstr,
  role: nstr,
  rights: z.array(z.enum(RIGHTS)),
  sensitive_data: z.boolean(),
  full_access_until: ntime,
  state: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  created_at: time,
  expires_at: time,
  /** The path of the invitation's QR code (the inviter's only). */
  qr_code: str,
});
export const InvitationList = obj({ invitations: z.array(Invitation) });
/** A new invitation: also its link (the QR code's content), shown to the inviter. */
export const CreatedInvitation = Invitation.extend({ url: str });

export const AcceptedInvitation = obj({ invitation_id: str, kind: z.enum(INVITATION_KINDS), accepted_at: time, location_id: nstr.optional(), role: str });

const ChargePointConnection = obj({ charge_point_id: str, serial_number: nstr, connected: z.boolean(), connected_at: ntime, last_disconnected_at: ntime });
const LocationAccess = obj({ roles: z.array(str), full_access_until: ntime, may_configure: z.boolean(), sees_sensitive_data: z.boolean() });
/** `view: full` with `location:read`; `view: status` (a lapsed installer) holds only the chargers' connection status. */
export const Location = z.union([
  obj({
    location_id: str,
    view: z.literal('full'),
    access: LocationAccess,
    name: str,
    address: str,
    country: str,
    operator: obj({ operator_id: str, name: nstr }),
    team: obj({ team_id: str, name: nstr }),
    created_at: time,
    charge_points: z.array(obj({ charge_point_id: str, status: str, connected_at: ntime, recent_sessions: z.array(obj({})).nullable() })),
  }),
  z.strictObject({ location_id: str, view: z.literal('status'), access: LocationAccess, charge_points: z.array(ChargePointConnection) }),
]);
export const LocationList = obj({ locations: z.array(obj({ location_id: str, name: str, country: str, team_id: str, roles: z.array(str) })) });
export const LocationInstaller = obj({
  account_id: str,
  email: str,
  role: z.enum(['location_installer', 'location_installer_lapsed']),
  full_access_until: ntime,
  sensitive_data: z.boolean(),
  created_at: time,
  warned_at: ntime,
  lapsed_at: ntime,
});
export const TeamMember = obj({ account_id: str, email: str, role: z.enum(['owner', 'admin', 'member']), rights: z.array(z.enum(RIGHTS)), created_at: time });
export const TeamMemberList = obj({ members: z.array(TeamMember) });
