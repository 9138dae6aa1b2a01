/** The panel's UI components; each has its styles in its own *.css.ts on the shared theme tokens. */
export { Badge, RoleBadge, type BadgeTone } from "./badge";
export { Button, ButtonLink, ButtonRow, buttonClass } from "./button";
export { ConfirmForm, CONFIRM_FIELD, confirmationMatches } from "./confirm-form";
export { CopyField } from "./copy-field";
export { Disclosure, Pre } from "./disclosure";
export { EmptyState } from "./empty-state";
export { CheckboxField, Field, FieldRow, Fieldset, TextField } from "./field";
export { formatDate, formatDateTime } from "./format";
export { Notice } from "./notice";
export { SelectField, type SelectOption } from "./select";
export { Table, Td, Th } from "./table";
export { FlashToast, Toast } from "./toast";
export { useHydrated } from "./use-hydrated";
