/** Kept for existing imports: the field components live in ./ui/field. */
export { TextField } from "./ui/field";
