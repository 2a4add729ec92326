// The page's status line and the timings the tests and benchmarks read from the page.
/** When the last sign-in was pressed: the time to the first list shown is measured from there. */
export const timing = { signInAt: null };

export function status(text, isError = false) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.classList.toggle('error', isError);
}
