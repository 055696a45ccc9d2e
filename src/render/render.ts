/** Renders view models through the embedded handlebars templates and formats the result. */
import Handlebars from "handlebars";
import * as prettier from "prettier";
import { templates } from "./templates.gen.js";

/** A template path (under templates/, without `.hbs`) and the view model to render it with. */
export interface RenderJob {
  template: string;
  view: object;
}

/** Compiles each template once per renderer; templates print values, they compute nothing. */
export function createRenderer(): (job: RenderJob) => string {
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  const env = Handlebars.create();
  return ({ template, view }) => {
    let render = compiled.get(template);
    if (!render) {
      const source = templates[template];
      if (source === undefined) throw new Error(`no template "${template}"`);
      render = env.compile(source, { noEscape: true, strict: true });
      compiled.set(template, render);
    }
    return render(view);
  };
}

const prettierOptions: prettier.Options = { printWidth: 100, trailingComma: "all", endOfLine: "lf" };

/** Formats a generated file by its extension; other files pass through with one final newline. */
export async function formatFile(path: string, content: string): Promise<string> {
  const parser = path.endsWith(".ts") ? "typescript" : path.endsWith(".json") ? "json" : path.endsWith(".md") ? "markdown" : undefined;
  if (parser === undefined) return content.replace(/\n*$/, "\n");
  return prettier.format(content, { ...prettierOptions, parser });
}
