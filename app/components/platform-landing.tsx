import { Link, useRouteLoaderData } from "@remix-run/react";

export function PlatformLanding({ platformDomain }: { platformDomain: string }) {
  const root = useRouteLoaderData("root") as { user?: { email: string } | null } | undefined;
  const signedIn = Boolean(root?.user);
  return (
    <div className="min-h-screen bg-slate-950 text-slate-100">
      <header className="mx-auto flex max-w-5xl items-center justify-between px-6 py-5">
        <span className="flex items-center gap-2 font-semibold">
          <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-indigo-500 text-xs font-bold text-white">S</span>
          Storefront
        </span>
        <nav aria-label="Account" className="flex items-center gap-2 text-sm font-medium">
          {signedIn ? (
            <Link to="/dashboard" className="rounded-md bg-white/10 px-3 py-1.5 text-white hover:bg-white/20">Go to your dashboard</Link>
          ) : (
            <>
              <Link to="/login" className="rounded-md px-3 py-1.5 text-slate-300 hover:text-white">Sign in</Link>
              <Link to="/signup" className="rounded-md bg-indigo-500 px-3 py-1.5 text-white hover:bg-indigo-400">Open your shop</Link>
            </>
          )}
        </nav>
      </header>
      <main className="mx-auto max-w-3xl px-6 pt-16 pb-24">
        <p className="text-sm font-semibold uppercase tracking-widest text-indigo-400">Storefront platform</p>
        <h1 className="mt-4 text-4xl font-extrabold sm:text-6xl">Your shop. Your brand. Your domain.</h1>
        <p className="mt-6 text-lg text-slate-300">
          Launch a branded shop at <code className="text-indigo-300">your-name.{platformDomain}</code> or on your own domain, sell
          with escrow-protected checkout, and run it from Telegram.
        </p>
        <div className="mt-8 flex flex-wrap items-center gap-4">
          {signedIn ? (
            <Link to="/dashboard" className="rounded-lg bg-indigo-500 px-5 py-3 font-semibold text-white shadow-sm hover:bg-indigo-400">
              Go to your dashboard
            </Link>
          ) : (
            <>
              <Link to="/signup" className="rounded-lg bg-indigo-500 px-5 py-3 font-semibold text-white shadow-sm hover:bg-indigo-400">
                Open your shop
              </Link>
              <Link to="/login" className="font-semibold text-slate-200 hover:text-white">
                Sign in <span aria-hidden>→</span>
              </Link>
            </>
          )}
        </div>
        <ul className="mt-14 grid gap-4 sm:grid-cols-3">
          {[
            ["White-label", "Only your name, colours and logo — on every page."],
            ["Custom domains", "Verified by DNS, served over TLS automatically."],
            ["Safe payments", "Escrow by default; you choose the rails you allow."],
          ].map(([title, text]) => (
            <li key={title} className="rounded-xl bg-slate-900 p-5">
              <h2 className="font-semibold">{title}</h2>
              <p className="mt-2 text-sm text-slate-400">{text}</p>
            </li>
          ))}
        </ul>
      </main>
    </div>
  );
}
