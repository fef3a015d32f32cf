/** Decorative inline icons (aria-hidden; the control around them carries the accessible name). */
const base = { "aria-hidden": true, focusable: "false", fill: "none", stroke: "currentColor", strokeWidth: 1.8, strokeLinecap: "round", strokeLinejoin: "round", viewBox: "0 0 24 24" } as const;

export function BagIcon({ className = "size-5" }: { className?: string }) {
  return (
    <svg {...base} className={`shrink-0 ${className}`}>
      <path d="M6 7h12l1 13H5L6 7Z" />
      <path d="M9 7a3 3 0 0 1 6 0" />
    </svg>
  );
}

export function SearchIcon({ className = "size-5" }: { className?: string }) {
  return (
    <svg {...base} className={`shrink-0 ${className}`}>
      <circle cx="11" cy="11" r="6.5" />
      <path d="m16 16 4 4" />
    </svg>
  );
}

export function ShieldIcon({ className = "size-5" }: { className?: string }) {
  return (
    <svg {...base} className={`shrink-0 ${className}`}>
      <path d="M12 3 5 6v5c0 4.5 3 8.3 7 10 4-1.7 7-5.5 7-10V6l-7-3Z" />
      <path d="m9 12 2 2 4-4" />
    </svg>
  );
}

export function ArrowIcon({ className = "size-4", back }: { className?: string; back?: boolean }) {
  return (
    <svg {...base} className={`shrink-0 ${className} ${back ? "rotate-180" : ""}`}>
      <path d="M5 12h14M13 6l6 6-6 6" />
    </svg>
  );
}

export function PlusIcon({ className = "size-4" }: { className?: string }) {
  return (
    <svg {...base} className={`shrink-0 ${className}`}>
      <path d="M12 5v14M5 12h14" />
    </svg>
  );
}

export function MinusIcon({ className = "size-4" }: { className?: string }) {
  return (
    <svg {...base} className={`shrink-0 ${className}`}>
      <path d="M5 12h14" />
    </svg>
  );
}

export function DownloadIcon({ className = "size-5" }: { className?: string }) {
  return (
    <svg {...base} className={`shrink-0 ${className}`}>
      <path d="M12 4v11m0 0-4-4m4 4 4-4M5 20h14" />
    </svg>
  );
}

export function TruckIcon({ className = "size-5" }: { className?: string }) {
  return (
    <svg {...base} className={`shrink-0 ${className}`}>
      <path d="M3 6h11v10H3zM14 10h4l3 3v3h-7" />
      <circle cx="7" cy="18" r="1.8" />
      <circle cx="17" cy="18" r="1.8" />
    </svg>
  );
}

export function CardIcon({ className = "size-5" }: { className?: string }) {
  return (
    <svg {...base} className={`shrink-0 ${className}`}>
      <rect x="3" y="5.5" width="18" height="13" rx="2" />
      <path d="M3 10h18M7 15h3" />
    </svg>
  );
}
