/** What the generated README says about building, running and deploying the package. */
import type { DeployContext } from "./context.js";
import { defaultBaseImage, imageUid } from "./docker.js";
import { terminationGraceSeconds } from "./k8s.js";

/** The README's view of the deployment files (`any` false: the section is left out). */
export interface ReadmeDeployView {
  any: boolean;
  docker: boolean;
  compose: boolean;
  k8s: boolean;
  imageRef: string;
  /** The image reference without its tag, as Kustomize's `images` names it. */
  imageName: string;
  appName: string;
  ports: DeployContext["ports"];
  baseImage: string;
  uid: number;
  stopSeconds: number;
  terminationGraceSeconds: number;
}

/** The README's deployment section for one package. */
export function readmeDeployView(ctx: DeployContext): ReadmeDeployView {
  return {
    any: ctx.targets.length > 0,
    docker: ctx.targets.includes("docker"),
    compose: ctx.targets.includes("compose"),
    k8s: ctx.targets.includes("k8s"),
    imageRef: ctx.imageRef,
    imageName: ctx.imageRef.slice(0, ctx.imageRef.lastIndexOf(":")),
    appName: ctx.appName,
    ports: ctx.ports,
    baseImage: defaultBaseImage,
    uid: imageUid,
    stopSeconds: Math.ceil((ctx.gracePeriodMs + ctx.shutdownDelayMs) / 1000) + 5,
    terminationGraceSeconds: terminationGraceSeconds(ctx),
  };
}
