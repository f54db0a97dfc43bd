#!/usr/bin/env node
/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy`. Everything is built in
 * lib/app.ts so the CDK tests check this very app.
 */
import { createApp } from '../lib/app.ts';

createApp().app.synth();
