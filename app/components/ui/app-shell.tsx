import type { ReactNode } from "react";
import { Link, NavLink } from "@remix-run/react";
import { SignOutButton } from "./sign-out-button.tsx";

const navClass = ({ isActive }: { isActive: boolean }) =>
  `whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium ${isActive ? "bg-gray-100 text-gray-900" : "text-gray-600 hover:bg-gray-100 hover:text-gray-900"}`;

/** The signed-in chrome: logo, an optional centre slot (the shop switcher) and the account links. */
export function AppShell({ user, center, children }: {
  user: { email: string; isOperator: boolean } | null;
  center?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="min-h-screen bg-gray-50">
      <header className="sticky top-0 z-30 border-b border-gray-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex h-14 max-w-6xl items-center gap-3 px-4 sm:px-6">
          <Link to="/dashboard" className="flex items-center gap-2 text-sm font-semibold text-gray-900">
            <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-xs font-bold text-white">S</span>
            <span className="hidden sm:inline">Storefront</span>
          </Link>
          {center ? (
            <>
              <span aria-hidden className="text-gray-300">/</span>
              {center}
            </>
          ) : null}
          {user ? (
            <nav aria-label="Account" className="ml-auto flex shrink-0 items-center gap-1">
              <NavLink to="/dashboard" end className={(a) => `${navClass(a)} hidden sm:block`}>Shops</NavLink>
              {user.isOperator ? <NavLink to="/ops" className={navClass}>Operator console</NavLink> : null}
              <NavLink to="/account" className={navClass} title={user.email}>Account</NavLink>
              <SignOutButton />
            </nav>
          ) : null}
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8 sm:px-6">{children}</main>
    </div>
  );
}
