import type { ReactNode, Ref } from "react";
import { PASSWORD_MAX_LENGTH } from "~/contracts/limits";

/**
 * A labelled password box. `autoComplete` tells the password manager which password it is
 * (current-password fills, new-password offers to generate); the browser checks it is filled,
 * and it takes no more than the server accepts. Whatever explains the rule comes as children,
 * named by `describedBy`.
 */
export function PasswordField({
  label,
  name,
  autoComplete,
  invalid,
  describedBy,
  inputRef,
  children,
}: {
  label: string;
  name: string;
  autoComplete: "current-password" | "new-password";
  invalid: boolean;
  describedBy?: string;
  inputRef?: Ref<HTMLInputElement>;
  children?: ReactNode;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        ref={inputRef}
        name={name}
        type="password"
        autoComplete={autoComplete}
        required
        maxLength={PASSWORD_MAX_LENGTH}
        aria-invalid={invalid}
        aria-describedby={describedBy}
      />
      {children}
    </label>
  );
}
