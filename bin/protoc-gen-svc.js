#!/usr/bin/env node
// Thin launcher: the protoc plugin lives in dist/plugin (built by `npm run build`).
import { main } from "../dist/plugin/main.js";

process.exitCode = await main(process);
