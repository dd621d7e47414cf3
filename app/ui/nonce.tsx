import { createContext, useContext } from "react";

// The CSP nonce of this response, set in entry.server; empty in the browser (it hides nonces anyway).
const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
