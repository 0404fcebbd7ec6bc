import type { Matcher } from "../api/types";
import { Untrusted } from "../ui/bits";
import { describeMatcher } from "./matchers";

/** Matchers as lines of text (a silence's, a rule's conditions); `empty` when there are none. */
export function MatcherList({ matchers, empty }: { matchers: Matcher[]; empty: string }) {
  if (matchers.length === 0) return <span class="muted">{empty}</span>;
  return (
    <ul class="plain">
      {matchers.map((m) => (
        <li>
          <code>
            <Untrusted text={describeMatcher(m)} />
          </code>
        </li>
      ))}
    </ul>
  );
}
