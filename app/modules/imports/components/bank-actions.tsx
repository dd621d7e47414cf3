import { Link } from "@remix-run/react";

/** A bank's list header actions: export in each format, and for writers import and new. */
export function BankActions({
  certificateId,
  exports,
  canWrite,
  importLabel,
  newLabel,
}: {
  certificateId: string;
  exports: { href: string; label: string }[];
  canWrite: boolean;
  importLabel: string;
  newLabel: string;
}) {
  return (
    <div className="no-print flex flex-wrap items-center gap-2 text-sm">
      {exports.map((e) => (
        <a key={e.href} href={e.href} className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100" download>
          {e.label}
        </a>
      ))}
      {canWrite ? (
        <>
          <Link to={`import?certificate=${certificateId}`} className="rounded border border-blue-700 px-3 py-1 text-blue-800 hover:bg-blue-50">
            {importLabel}
          </Link>
          <Link to={`new?certificate=${certificateId}`} className="rounded bg-blue-700 px-3 py-1 text-white hover:bg-blue-800">
            {newLabel}
          </Link>
        </>
      ) : null}
    </div>
  );
}
