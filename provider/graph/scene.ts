/** The positioned shapes a layout produces and the SVG renderer draws; sizes in px. */
import type { Change } from "./input";

export interface RectShape { t: "rect"; x: number; y: number; w: number; h: number; cls: string; change: Change; title?: string }
export interface TextShape { t: "text"; x: number; y: number; text: string; cls: string; change: Change }
export interface LineShape { t: "line"; points: Array<[number, number]>; cls: string; change: Change }
export type Shape = RectShape | TextShape | LineShape;

export interface Scene {
  width: number;
  height: number;
  shapes: Shape[];
}

/** Monospace text metrics (DejaVu Sans Mono / any monospace: 0.6 em a character). */
export const FONT_SIZE = 12;
export const CHAR_W = 7.3;
export const LINE_H = 16;
export const textWidth = (s: string, size = FONT_SIZE) => Math.ceil([...s].length * CHAR_W * (size / FONT_SIZE));
