import { createContext, useContext } from "react";
import { defaultLocale, isLocale, type Locale } from "~/i18n/i18n";

// What entry.server knows of the request before any loader ran: the CSP nonce and the language.
// The error pages need the language even when the root loader itself failed.
const DocumentContext = createContext<{ nonce: string; locale: Locale | null }>({ nonce: "", locale: null });
export const DocumentProvider = DocumentContext.Provider;

/** The CSP nonce on the server; empty in the browser (which hides nonces anyway). */
export const useNonce = () => useContext(DocumentContext).nonce;

export function useDocumentLocale(): Locale {
  const fromServer = useContext(DocumentContext).locale;
  if (fromServer) return fromServer;
  const fromPage = typeof document === "undefined" ? null : document.documentElement.lang;
  return isLocale(fromPage) ? fromPage : defaultLocale;
}
