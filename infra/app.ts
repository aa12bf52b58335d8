// `cdk` entry (cdk.json: npx tsx infra/app.ts). Deployment settings come from context: docs/deploy.md.
import { App } from 'aws-cdk-lib';
import { buildApplication } from './application';

buildApplication(new App());
