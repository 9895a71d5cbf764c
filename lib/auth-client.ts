/**
 * The two better-auth endpoints the browser calls (sign in, change password), as plain JSON posts
 * to /api/auth on the page's own origin. better-auth's own client would add its fetch wrapper,
 * its stores and every error text of every plugin to the first load of each page using it, for
 * what is here a dozen lines. better-auth answers a refusal with its status and `{ code, message }`.
 */
export type AuthResult<T> = { data: T; error: null; response: Response } | { data: null; error: { status: number; code?: string }; response: Response };

/** Rejects only when the request could not be made (offline); a refusal is a result. */
export async function authPost<T>(path: "/sign-in/username" | "/change-password", body: Record<string, unknown>): Promise<AuthResult<T>> {
  const response = await fetch(`/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  const json = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (!response.ok) return { data: null, error: { status: response.status, code: typeof json?.code === "string" ? json.code : undefined }, response };
  return { data: json as T, error: null, response };
}
