// @hey-api/openapi-ts configuration of the strict zod models (run by xlang/strict.sh from the
// scratch directory, with SPEC set to the spec's path): TypeScript types and zod schemas only.
// Objects are `z.strictObject` (an extra key fails), the project's conformance rule: an object
// schema without `additionalProperties` declares every key it accepts. A schema that declares
// `additionalProperties` keeps the plugin's own translation.
export default {
  input: process.env.SPEC,
  output: "gen",
  plugins: [
    "@hey-api/typescript",
    {
      name: "zod",
      "~resolvers": {
        object(ctx) {
          if (ctx.schema.additionalProperties !== undefined && ctx.schema.additionalProperties.type !== "never") {
            return undefined;
          }
          return ctx.$(ctx.symbols.z).attr("strictObject").call(ctx.nodes.shape(ctx));
        },
      },
    },
  ],
};
