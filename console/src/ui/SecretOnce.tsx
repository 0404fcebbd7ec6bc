import { useState } from "hono/jsx/dom";

/**
 * A secret the server shows once (an API key, a webhook's signing secret, a generated password):
 * selectable text, a Copy button, and a plain warning that it will not be shown again.
 */
export function SecretOnce({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("Copied to the clipboard.");
    } catch {
      setCopied("The browser refused the clipboard: select the text and copy it.");
    }
  };
  return (
    <section class="secret" aria-labelledby="secret-title">
      <h2 id="secret-title">{title}</h2>
      <p>
        <strong>Copy it now: it is not shown again.</strong> Only a hash is kept.
      </p>
      <p>
        <code class="secret-value" data-secret>
          {secret}
        </code>
      </p>
      <button type="button" class="primary" onClick={() => void copy()}>
        Copy
      </button>{" "}
      <button type="button" onClick={onDone}>
        Done
      </button>
      {copied && (
        <p class="small" role="status">
          {copied}
        </p>
      )}
    </section>
  );
}
