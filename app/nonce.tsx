import { createContext, useContext } from "react";

const NonceContext = createContext<string | undefined>(undefined);
export const NonceProvider = NonceContext.Provider;
/** The per-request CSP nonce (set by server/http/security-headers.ts). */
export const useNonce = () => useContext(NonceContext);
