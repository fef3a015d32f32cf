import { useState } from "react";
import { useLocation, useNavigation } from "@remix-run/react";

type ToastData = { id: string; title: string; description?: string };

/**
 * The success message a redirect left behind (app/utils/toast.server.ts). Rendered once per layout; it stays on the
 * page it arrived on until dismissed, the next form is submitted, or the user goes elsewhere.
 */
export function Toast({ toast }: { toast: ToastData | null }) {
  const { pathname } = useLocation();
  const navigation = useNavigation();
  const [shown, setShown] = useState(() => (toast ? { ...toast, pathname } : null));
  const [seenId, setSeenId] = useState(toast?.id);
  // A new toast is one with a new id (loaders revalidate often; the cookie is read once).
  if (toast && toast.id !== seenId) {
    setSeenId(toast.id);
    setShown({ ...toast, pathname });
  }
  // Submitting the next form hides it (checked from the first render on, as an effect would).
  const [seenState, setSeenState] = useState<string | undefined>(undefined);
  if (navigation.state !== seenState) {
    setSeenState(navigation.state);
    if (navigation.state === "submitting") setShown(null);
  }
  if (!shown || shown.pathname !== pathname) return null;
  return (
    <div
      role="status"
      className="fixed right-4 bottom-4 left-4 z-50 mx-auto flex max-w-md items-center justify-between gap-3 rounded-md bg-emerald-50 px-4 py-2.5 text-sm text-emerald-800 shadow-lg ring-1 ring-inset ring-emerald-200 sm:left-auto"
    >
      <span>
        <span className="font-medium">{shown.title}</span>
        {shown.description ? ` ${shown.description}` : null}
      </span>
      <button type="button" onClick={() => setShown(null)} className="text-xs font-medium text-emerald-700 hover:text-emerald-900">
        Dismiss
      </button>
    </div>
  );
}
