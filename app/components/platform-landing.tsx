export function PlatformLanding({ platformDomain }: { platformDomain: string }) {
  return (
    <div className="min-h-screen bg-slate-950 text-slate-100">
      <main className="mx-auto max-w-3xl px-6 py-24">
        <p className="text-sm font-semibold uppercase tracking-widest text-indigo-400">Storefront platform</p>
        <h1 className="mt-4 text-4xl font-extrabold sm:text-6xl">Your shop. Your brand. Your domain.</h1>
        <p className="mt-6 text-lg text-slate-300">
          Launch a branded shop at <code className="text-indigo-300">your-name.{platformDomain}</code> or on your own domain, sell
          with escrow-protected checkout, and run it from Telegram.
        </p>
        <ul className="mt-10 grid gap-4 sm:grid-cols-3">
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
