// Short result sounds, made with the Web Audio API (no audio files, nothing to license): two
// rising notes for a paid sale, two low buzzes for a decline. The cashier is usually looking at
// the customer, not the screen.
//
// Every sound the app plays is also marked on <body>: `data-last-sound` ("success" or
// "decline"), `data-sound-count` (how many so far) and `data-sound-output` ("audio" when the
// Web Audio API took it, "none" when this computer has no audio output for the web view), and a
// `cashier-sound` event is dispatched on window. The marks are how tests (and support) see
// that a sound was played.

export type SoundKind = "success" | "decline";

type Tone = { freq: number; start: number; dur: number; type: OscillatorType };

const TONES: Record<SoundKind, Tone[]> = {
  // E6 then A6, bright and short: "done".
  success: [
    { freq: 1318.5, start: 0, dur: 0.12, type: "sine" },
    { freq: 1760, start: 0.13, dur: 0.2, type: "sine" },
  ],
  // Two low square buzzes: "look at the screen".
  decline: [
    { freq: 220, start: 0, dur: 0.18, type: "square" },
    { freq: 185, start: 0.24, dur: 0.28, type: "square" },
  ],
};

let ctx: AudioContext | null = null;
let count = 0;

function context(): AudioContext | null {
  if (ctx) return ctx;
  try {
    const C = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    ctx = C ? new C() : null;
  } catch {
    ctx = null;
  }
  return ctx;
}

/** Web views start audio only after a user gesture: the first key or tap unlocks it. */
export function unlockAudioOnGesture() {
  const unlock = () => {
    const c = context();
    if (c && c.state === "suspended") void c.resume().catch(() => {});
  };
  window.addEventListener("keydown", unlock, { capture: true });
  window.addEventListener("pointerdown", unlock, { capture: true });
}

/** Plays the sound of `kind` and marks it on <body>. */
export function playSound(kind: SoundKind) {
  let output = "none";
  const c = context();
  if (c) {
    try {
      if (c.state === "suspended") void c.resume().catch(() => {});
      const t0 = c.currentTime + 0.01;
      for (const tone of TONES[kind]) {
        const osc = c.createOscillator();
        const gain = c.createGain();
        osc.type = tone.type;
        osc.frequency.value = tone.freq;
        // A quick fade in and out: no clicks.
        gain.gain.setValueAtTime(0, t0 + tone.start);
        gain.gain.linearRampToValueAtTime(kind === "decline" ? 0.12 : 0.25, t0 + tone.start + 0.01);
        gain.gain.linearRampToValueAtTime(0, t0 + tone.start + tone.dur);
        osc.connect(gain).connect(c.destination);
        osc.start(t0 + tone.start);
        osc.stop(t0 + tone.start + tone.dur + 0.02);
      }
      output = "audio";
    } catch {
      output = "none";
    }
  }
  count += 1;
  const b = document.body;
  b.dataset.lastSound = kind;
  b.dataset.soundCount = String(count);
  b.dataset.soundOutput = output;
  window.dispatchEvent(new CustomEvent("cashier-sound", { detail: { kind, count, output } }));
}
