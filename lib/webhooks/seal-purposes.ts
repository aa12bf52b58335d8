// The encryption-context purposes of sealed secrets (secret-box.ts). Its own module, free of SDK
// imports, because the CDK app reads it too: the KMS grants are conditioned on these values.

/** Binds every data key to its use: a data key made for one purpose does not open a secret of another. */
export const SEAL_PURPOSES = { webhookSigningSecret: 'webhook-signing-secret', provisioningPassword: 'charger-provisioning-password', invitationToken: 'invitation-token' } as const;
export type SealPurpose = (typeof SEAL_PURPOSES)[keyof typeof SEAL_PURPOSES];
