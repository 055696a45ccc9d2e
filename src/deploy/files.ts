/**
 * The deployment files of a generation (Dockerfile, compose, Kubernetes), as the options choose.
 * All generator-owned: regenerated every run and compared by `gen-svc check`.
 */
import type { FileView } from "../render/view/service-files.js";
import { composeFiles, type ComposeMember } from "./compose.js";
import type { DeployContext } from "./context.js";
import { dockerFiles } from "./docker.js";
import { kubernetesFiles } from "./k8s.js";

/** A file whose content is already written (YAML). */
export interface TextFile {
  path: string;
  content: string;
}

/** The files of one package, relative to its folder. */
export function packageDeployFiles(ctx: DeployContext): { views: FileView[]; texts: TextFile[] } {
  const views = ctx.targets.includes("docker") ? dockerFiles(ctx) : [];
  const texts = [
    ...(ctx.targets.includes("compose") ? composeFiles([{ ctx, dir: "." }]) : []),
    ...(ctx.targets.includes("k8s") ? kubernetesFiles(ctx) : []),
  ];
  return { views, texts };
}

/**
 * The compose files for several packages generated together, in the output root: every service
 * on one network with one etcd, so that they find each other. None for a single package (its own
 * folder has them) or when compose is off.
 */
export function sharedComposeFiles(members: readonly ComposeMember[]): TextFile[] {
  if (members.length < 2 || !members.every((m) => m.ctx.targets.includes("compose"))) return [];
  return composeFiles(members);
}

