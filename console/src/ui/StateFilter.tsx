/** Links that filter a list page by one query parameter (`?status=late`), "all" first. */
export function StateFilter<T extends string>({
  label,
  path,
  param,
  values,
  current,
}: {
  label: string;
  path: string;
  param: string;
  values: readonly T[];
  current: T | "";
}) {
  return (
    <nav class="filters" aria-label={label}>
      {(["", ...values] as const).map((v) => (
        <a href={v ? `${path}?${param}=${v}` : path} aria-current={v === current ? "page" : undefined}>
          {v || "all"}
        </a>
      ))}
    </nav>
  );
}
