// What Lambda bundles get instead of `@aws-sdk/credential-provider-node` (infra/bundling.ts aliases
// that package to this file; nothing imports it by name). Every SDK client's runtime config imports
// `defaultProvider` from the full chain: environment, SSO, shared ini files, credential_process,
// web identity, container and instance metadata. In Lambda the execution role's credentials are
// always in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the
// first link of that chain, so the rest is dead weight: ~110 KiB of every bundle and its share of
// the cold import (docs/benchmarks.md). The local runtime, the scripts and the tests run unbundled
// and keep the SDK's default chain.
//
// If a function ever ran where credentials are not in the environment (Lambda SnapStart serves them
// from a container endpoint instead; no function here uses it), this fails loudly at the first AWS
// call with the SDK's own "Unable to find environment variable credentials." — never silently.
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider, Logger } from '@smithy/types';

/** Same name and call shape as `@aws-sdk/credential-provider-node`'s export, which the clients call with their config. */
export const defaultProvider = (init: { readonly logger?: Logger } = {}): AwsCredentialIdentityProvider => fromEnv({ logger: init.logger });
