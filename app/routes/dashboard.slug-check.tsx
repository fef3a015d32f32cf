import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "#app/utils/auth.server.ts";
import { slugProblem } from "#app/utils/tenant.server.ts";

/** Resource route for the create-shop form: is this address free? (Same check as the API's slug-availability.) */
export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(request, context);
  const slug = (new URL(request.url).searchParams.get("slug") ?? "").trim().toLowerCase().slice(0, 60);
  const problem = await slugProblem(context.services.prisma, slug);
  return json(
    { slug, available: !problem, message: problem ? problem.message : null },
    { headers: { "Cache-Control": "no-store" } },
  );
}
