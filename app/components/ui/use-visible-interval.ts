import { useEffect, useRef, useState } from "react";

/**
 * Calls `tick` every `ms` while `enabled` and the tab is visible (a hidden tab stops polling; showing it again
 * resumes at once). Returns whether the tab is visible, for "paused" notes. `tick` may change between renders.
 */
export function useVisibleInterval(tick: () => void, ms: number, enabled: boolean) {
  const [visible, setVisible] = useState(true);
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === "visible");
    update();
    document.addEventListener("visibilitychange", update);
    return () => document.removeEventListener("visibilitychange", update);
  }, []);
  useEffect(() => {
    if (!enabled || !visible) return;
    const timer = setInterval(() => latest.current(), ms);
    return () => clearInterval(timer);
  }, [enabled, visible, ms]);
  return visible;
}
