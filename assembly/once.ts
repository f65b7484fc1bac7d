/** `build` run on the first call only; every call returns that first result (a promise stays that one promise). */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}
