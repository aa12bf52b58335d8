// The installer job page (issue #14, docs/job-page.md): a thin client of the public JSON API. No
// business rule lives here: the status text, which actions are offered, what counts as connected and
// whether the job is read-only all come from the API; this script shows them, sends what the
// installer does, and says plainly when something did not reach the server.
//
// Bundled and minified by esbuild into lib/web/job-page-assets.gen.ts (npx tsx scripts/gen-job-page-assets.ts).

import { formatTime, h, request, RequestFailed } from '../shared/ui';

type Outcome = 'accepted' | 'rejected' | 'timed_out' | 'not_connected' | 'error';
type RemoteAction = 'start' | 'stop' | 'unlock' | 'reboot';

interface ActionResult {
  /** The operator's force stop or check may be the last action too, though the page offers neither. */
  action: RemoteAction | 'force_stop' | 'check';
  outcome: Outcome;
  detail: string;
  at: string;
}
interface Note {
  note_id: string;
  text: string;
  at: string;
  author: { kind: string; description: string; email?: string };
}
interface JobChargePoint {
  charge_point_id: string;
  serial: string | null;
  connector_position: string | null;
  status: string;
  validation_message: string | null;
  integration_state: string;
  charge_point_state: string;
  active: boolean;
  connection: { ocpp_url: string | null; protocol: string | null; password_state: 'provisioning' | 'long_term' | 'none' };
  actions: Record<RemoteAction, boolean>;
  last_action: ActionResult | null;
  last_failed_attempt: { cause: string; message: string; at: string } | null;
  notes: Note[];
}
/** One line of the charge point log as the job page gets it (GET …/charge-points/{id}/log): words, no frames. */
interface LogLine {
  at: string;
  category: string;
  category_label: string;
  colour: 'blue' | 'green' | 'yellow' | 'white';
  direction: 'received' | 'sent' | null;
  action: string | null;
  description: string;
}
interface JobView {
  link: { link_id: string; expires_at: string };
  job: {
    project_id: string;
    job_number: string;
    name: string;
    status: 'open' | 'in_progress' | 'completed';
    description: string | null;
    instructions: string | null;
    site: { name: string; address: string | null };
    completed_at: string | null;
    read_only: boolean;
  };
  summary: { total: number; connected: number; text: string };
  connector_positions: string[];
  charge_points: JobChargePoint[];
}
const POLL_MS = 3000;
const ACTIONS: readonly RemoteAction[] = ['start', 'stop', 'unlock', 'reboot'];
const ACTION_LABEL: Record<ActionResult['action'], string> = { start: 'Start', stop: 'Stop', unlock: 'Unlock', reboot: 'Reboot', force_stop: 'Force stop', check: 'Check' };
const OUTCOME_TEXT: Record<Outcome, string> = {
  accepted: 'accepted',
  rejected: 'rejected by the charger',
  timed_out: 'timed out (the charger did not answer)',
  not_connected: 'not connected',
  error: 'failed',
};

const root = document.getElementById('app') as HTMLElement;
const apiBase = root.dataset.api ?? '';

// ---------------------------------------------------------------------------------------------
// DOM helpers

function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Log lines are seconds apart: date and time to the second. */
function formatLogTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

function timeEl(iso: string): HTMLTimeElement {
  return h('time', { datetime: iso }, formatTime(iso));
}

// ---------------------------------------------------------------------------------------------
// The API

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await request<T>(method, apiBase + path, body);
  } catch (err) {
    if (err instanceof RequestFailed && (err.problem?.status === 404 || err.problem?.status === 410)) linkGone();
    throw err;
  }
}

/** The link was revoked or expired while the page was open: the server's plain page says so and whom to ask. */
function linkGone(): void {
  window.location.reload();
}

/** The message for one field from a problem body (`errors[].field`), else the problem's detail. */
function messageFor(err: unknown, field: string): string {
  if (!(err instanceof RequestFailed)) return 'Something went wrong.';
  const issue = err.problem?.errors?.find((e) => e.field === field || e.field.endsWith(`.${field}`));
  if (issue) return issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  return err.message;
}

/** Only a request that got no answer, or a server error, is worth retrying unchanged. */
function retryable(err: unknown): boolean {
  return err instanceof RequestFailed && (err.problem === null || err.problem.status >= 500 || err.problem.status === 429);
}

/**
 * A message next to a field: the error, with a Retry button when sending the same thing again can
 * help. Nothing is half-saved: each change is one request, and the field keeps what was typed.
 */
function showError(box: HTMLElement, text: string, retry?: () => void): void {
  box.replaceChildren(h('span', {}, text));
  box.className = 'msg msg-error';
  if (retry) box.append(' ', h('button', { type: 'button', class: 'btn btn-small', onclick: retry }, 'Retry'));
}
function showInfo(box: HTMLElement, text: string): void {
  box.replaceChildren(text);
  box.className = 'msg msg-info';
}
function clearMsg(box: HTMLElement): void {
  box.replaceChildren();
  box.className = 'msg';
}

// ---------------------------------------------------------------------------------------------
// The page

let view: JobView | null = null;
let etag: string | null = null;
const cards = new Map<string, Card>();

const header = {
  number: h('span', { class: 'job-number' }),
  status: h('span', { class: 'badge' }),
  name: h('p', { class: 'job-name' }),
  site: h('h1', { id: 'site-name' }),
  address: h('p', { class: 'address' }),
  summary: h('p', { class: 'summary', 'aria-live': 'polite' }),
  live: h('p', { class: 'live', 'aria-live': 'polite' }),
};
const about = h('section', { class: 'about', 'aria-label': 'About the job' });
const readOnlyBanner = h('p', { class: 'banner', role: 'status', hidden: true });
const list = h('div', { class: 'cards' });
const completeBox = h('section', { class: 'complete', 'aria-labelledby': 'complete-title' });

function buildShell(): void {
  root.replaceChildren(
    h(
      'header',
      { class: 'job-head' },
      h('p', { class: 'eyebrow' }, header.number, ' ', header.status),
      header.name,
      header.site,
      header.address,
      header.summary,
      header.live,
    ),
    readOnlyBanner,
    about,
    list,
    completeBox,
  );
  buildCompleteSection();
}

function renderHeader(v: JobView): void {
  setText(header.number, `Job ${v.job.job_number}`);
  setText(header.status, v.job.status.replace('_', ' '));
  header.status.className = `badge badge-job-${v.job.status}`;
  setText(header.name, v.job.name);
  setText(header.site, v.job.site.name);
  setText(header.address, v.job.site.address ?? '');
  header.address.hidden = !v.job.site.address;
  setText(header.summary, v.summary.text);
  document.title = `Job ${v.job.job_number}: ${v.summary.text}`;
  const parts: Node[] = [];
  if (v.job.description) parts.push(h('h2', {}, 'Description'), h('p', { class: 'prose' }, v.job.description));
  if (v.job.instructions) parts.push(h('h2', {}, 'Installation instructions'), h('p', { class: 'prose' }, v.job.instructions));
  const key = `${v.job.description}\u0000${v.job.instructions}`;
  if (about.dataset.key !== key) {
    about.replaceChildren(...parts);
    about.dataset.key = key;
  }
  about.hidden = parts.length === 0;
  readOnlyBanner.hidden = !v.job.read_only;
  if (v.job.read_only) setText(readOnlyBanner, `This job was completed${v.job.completed_at ? ` on ${formatTime(v.job.completed_at)}` : ''}. The page is now read-only.`);
  root.classList.toggle('read-only', v.job.read_only);
}

function render(v: JobView): void {
  view = v;
  root.removeAttribute('aria-busy');
  renderHeader(v);
  const seen = new Set<string>();
  v.charge_points.forEach((cp, i) => {
    seen.add(cp.charge_point_id);
    let card = cards.get(cp.charge_point_id);
    if (!card) {
      card = new Card(cp.charge_point_id, i + 1);
      cards.set(cp.charge_point_id, card);
    }
    if (list.children[i] !== card.el) list.insertBefore(card.el, list.children[i] ?? null);
    card.update(cp, v);
  });
  for (const [id, card] of cards) {
    if (!seen.has(id)) {
      card.el.remove();
      cards.delete(id);
    }
  }
  completeBox.hidden = v.job.read_only;
}

// ---------------------------------------------------------------------------------------------
// One card per charge point

class Card {
  readonly el: HTMLElement;
  private readonly path: string;
  private cp: JobChargePoint | null = null;
  private readonly title: HTMLElement;
  private readonly status = h('strong', { class: 'status-text' });
  private readonly serial: HTMLInputElement;
  private readonly serialSave: HTMLButtonElement;
  private readonly serialMsg: HTMLElement;
  private readonly position: HTMLSelectElement;
  private readonly positionMsg: HTMLElement;
  private readonly actionsBox = h('div', { class: 'actions' });
  private readonly actionsSection: HTMLElement;
  private readonly actionMsg = h('p', { class: 'msg', 'aria-live': 'polite' });
  private readonly buttons = new Map<RemoteAction, HTMLButtonElement>();
  private pendingAction: RemoteAction | null = null;
  private localResult: { text: string; at: string } | null = null;
  private readonly url = h('code', { class: 'url' });
  private readonly copyMsg = h('span', { class: 'inline-msg', 'aria-live': 'polite' });
  private readonly protocol = h('span');
  private readonly password = h('code', { class: 'secret' }, '••••••••');
  private readonly revealBtn: HTMLButtonElement;
  private readonly newPasswordBtn: HTMLButtonElement;
  private readonly passwordMsg = h('p', { class: 'msg', 'aria-live': 'polite' });
  private revealed = false;
  private readonly failed = h('div', { class: 'alert', role: 'note', hidden: true });
  private readonly notes = h('ul', { class: 'notes' });
  private readonly noteText: HTMLTextAreaElement;
  private readonly noteMsg: HTMLElement;
  private readonly noteForm: HTMLFormElement;
  private readonly passwordRow: HTMLElement;
  private readonly log = h('ol', { class: 'log' });
  private readonly logMsg = h('p', { class: 'msg', 'aria-live': 'polite' });
  private readonly logBox: HTMLDetailsElement;
  private logLoadedAt = 0;
  private logLoading = false;

  constructor(
    readonly id: string,
    index: number,
  ) {
    this.path = `/charge-points/${encodeURIComponent(id)}`;
    const p = `cp${index}`;
    this.title = h('h2', { id: `${p}-title` }, `Charge point ${index}`);

    this.serial = h('input', { id: `${p}-serial`, name: 'serial', type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', 'aria-describedby': `${p}-serial-msg` });
    this.serialSave = h('button', { type: 'submit', class: 'btn' }, 'Save');
    this.serialMsg = h('p', { id: `${p}-serial-msg`, class: 'msg', 'aria-live': 'polite' });
    const serialForm = h(
      'form',
      { class: 'field', onsubmit: (e) => (e.preventDefault(), this.saveSerial()) },
      h('label', { for: `${p}-serial` }, 'Charge Point Identity (serial)'),
      h('div', { class: 'row' }, this.serial, this.serialSave),
      this.serialMsg,
    );

    this.position = h('select', { id: `${p}-position`, name: 'connector_position', 'aria-describedby': `${p}-position-msg`, onchange: () => this.savePosition() });
    this.positionMsg = h('p', { id: `${p}-position-msg`, class: 'msg', 'aria-live': 'polite' });
    const positionField = h('div', { class: 'field' }, h('label', { for: `${p}-position` }, 'Connector position'), this.position, this.positionMsg);

    for (const a of ACTIONS) {
      const b = h('button', { type: 'button', class: 'btn', onclick: () => this.runAction(a) }, ACTION_LABEL[a]);
      this.buttons.set(a, b);
    }
    this.actionsSection = h('section', { class: 'part', 'aria-labelledby': `${p}-actions` }, h('h3', { id: `${p}-actions` }, 'Remote actions'), this.actionsBox, this.actionMsg);

    this.revealBtn = h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => this.toggleReveal() }, 'Reveal');
    this.newPasswordBtn = h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => this.confirmNewPassword() }, 'New password');
    const copyBtn = h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => this.copyUrl() }, 'Copy');
    this.passwordRow = h('div', { class: 'setting' }, h('dt', {}, 'Password'), h('dd', {}, this.password, h('span', { class: 'row-buttons' }, this.revealBtn, this.newPasswordBtn)));
    const connection = h(
      'section',
      { class: 'part', 'aria-labelledby': `${p}-conn` },
      h('h3', { id: `${p}-conn` }, 'Connection settings'),
      h(
        'dl',
        { class: 'settings' },
        h('div', { class: 'setting' }, h('dt', {}, 'OCPP URL'), h('dd', {}, this.url, h('span', { class: 'row-buttons' }, copyBtn, this.copyMsg))),
        h('div', { class: 'setting' }, h('dt', {}, 'Protocol'), h('dd', {}, this.protocol)),
        this.passwordRow,
      ),
      this.passwordMsg,
    );

    this.noteText = h('textarea', { id: `${p}-note`, name: 'text', rows: '3', maxlength: '2000', 'aria-describedby': `${p}-note-msg` });
    this.noteMsg = h('p', { id: `${p}-note-msg`, class: 'msg', 'aria-live': 'polite' });
    this.noteForm = h(
      'form',
      { class: 'field', onsubmit: (e) => (e.preventDefault(), this.addNote()) },
      h('label', { for: `${p}-note` }, 'Add a note'),
      this.noteText,
      this.noteMsg,
      h('button', { type: 'submit', class: 'btn' }, 'Add note'),
    );
    const notes = h('section', { class: 'part', 'aria-labelledby': `${p}-notes` }, h('h3', { id: `${p}-notes` }, 'Notes'), this.notes, this.noteForm);

    // The log is fetched only while open (its own route), so the job view the page polls stays small.
    this.logBox = h(
      'details',
      { class: 'part log-part', ontoggle: () => (this.logBox.open ? void this.loadLog() : undefined) },
      h('summary', {}, h('h3', { id: `${p}-log`, class: 'log-title' }, 'Log')),
      h('p', { class: 'hint' }, 'The newest 50 messages between the charger and the platform, newest first.'),
      this.logMsg,
      this.log,
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => void this.loadLog() }, 'Refresh log'),
    );

    this.el = h(
      'article',
      { class: 'card', 'aria-labelledby': `${p}-title` },
      h('div', { class: 'card-head' }, this.title, h('p', { class: 'status' }, h('span', { class: 'status-label' }, 'Status '), this.status)),
      this.failed,
      serialForm,
      positionField,
      this.actionsSection,
      connection,
      this.logBox,
      notes,
    );
  }

  update(cp: JobChargePoint, v: JobView): void {
    const first = this.cp === null;
    this.cp = cp;
    const ro = v.job.read_only;

    setText(this.status, cp.status);
    this.status.className = `status-text ${cp.validation_message ? 'st-warn' : cp.integration_state === 'connected' ? 'st-ok' : cp.integration_state === 'error' ? 'st-bad' : 'st-idle'}`;

    // A field the installer is editing keeps what they typed; otherwise it follows the server.
    const serverSerial = cp.serial ?? '';
    if (first || (this.serial.value === this.serial.dataset.server && document.activeElement !== this.serial)) this.serial.value = serverSerial;
    this.serial.dataset.server = serverSerial;
    this.serial.readOnly = ro;
    this.serialSave.hidden = ro;

    const options = ['', ...v.connector_positions];
    if (this.position.options.length !== options.length || options.some((o, i) => this.position.options[i]?.value !== o)) {
      this.position.replaceChildren(...options.map((o) => h('option', { value: o }, o === '' ? 'Not set' : o)));
    }
    if (document.activeElement !== this.position && !this.position.dataset.sending) this.position.value = cp.connector_position ?? '';
    this.position.disabled = ro;

    const offered = ACTIONS.filter((a) => cp.actions[a]);
    this.actionsBox.replaceChildren(...offered.map((a) => this.buttons.get(a)!));
    if (offered.length === 0) this.actionsBox.append(h('p', { class: 'hint' }, cp.integration_state === 'connected' ? 'No action is available right now.' : 'Actions appear when the charger is connected.'));
    for (const b of this.buttons.values()) b.disabled = this.pendingAction !== null;
    this.actionsSection.hidden = ro;
    if (!this.pendingAction) {
      const server = cp.last_action;
      const local = this.localResult;
      // The newer of what this page saw and what the server last recorded (another person's action too).
      if (server && (!local || server.at >= local.at)) this.actionMsg.replaceChildren(h('span', {}, `${ACTION_LABEL[server.action]}: ${OUTCOME_TEXT[server.outcome]}`), server.detail ? ` (${server.detail})` : '', ' · ', timeEl(server.at));
      else if (local) setText(this.actionMsg, local.text);
    }

    setText(this.url, cp.connection.ocpp_url ?? 'Set the serial first: the URL ends with it');
    setText(this.protocol, cp.connection.protocol ?? 'Not chosen yet');
    const pw = cp.connection.password_state;
    this.passwordRow.hidden = pw === 'none';
    this.revealBtn.hidden = pw !== 'provisioning';
    // A charge point open to drivers is live: the job link no longer issues it passwords (public-job.ts).
    this.newPasswordBtn.hidden = ro || cp.active;
    if (!this.revealed) setText(this.password, pw === 'long_term' ? 'Changed by the charger (no longer needed)' : '••••••••');

    const f = cp.last_failed_attempt;
    this.failed.hidden = !f;
    if (f) {
      const key = `${f.at}${f.message}`;
      if (this.failed.dataset.key !== key) {
        this.failed.dataset.key = key;
        this.failed.replaceChildren(h('strong', {}, 'Last failed connection: '), f.message, ' ', h('span', { class: 'when' }, '(', timeEl(f.at), ')'));
      }
    }

    const noteKey = cp.notes.map((n) => n.note_id).join(',');
    if (this.notes.dataset.key !== noteKey) {
      this.notes.dataset.key = noteKey;
      this.notes.replaceChildren(
        ...cp.notes.map((n) => h('li', {}, h('p', { class: 'note-meta' }, timeEl(n.at), ` · ${n.author.kind === 'public_link' ? 'from this page' : n.author.description}`), h('p', { class: 'prose' }, n.text))),
      );
      if (cp.notes.length === 0) this.notes.append(h('li', { class: 'hint' }, 'No notes yet.'));
    }
    this.noteForm.hidden = ro;
    // An open log follows the job (a status change, a session), at most every 15 s.
    if (this.logBox.open && Date.now() - this.logLoadedAt > 15_000) void this.loadLog();
  }

  private async loadLog(): Promise<void> {
    if (this.logLoading) return;
    this.logLoading = true;
    if (this.logLoadedAt === 0) showInfo(this.logMsg, 'Loading the log…');
    try {
      const { entries } = await send<{ entries: LogLine[] }>('GET', `${this.path}/log`);
      this.logLoadedAt = Date.now();
      clearMsg(this.logMsg);
      // The category is written out on every line: the colour is never the only cue.
      this.log.replaceChildren(
        ...entries.map((e) =>
          h(
            'li',
            { class: `log-entry log-${e.colour}` },
            h('p', { class: 'log-meta' }, h('span', { class: 'log-cat' }, e.category_label), ' ', h('time', { datetime: e.at }, formatLogTime(e.at)), e.direction ? ` · ${e.direction === 'sent' ? 'to the charger' : 'from the charger'}` : ''),
            h('p', { class: 'log-text' }, e.description),
          ),
        ),
      );
      if (entries.length === 0) this.log.append(h('li', { class: 'hint' }, 'Nothing logged yet: the log starts when the charger first connects.'));
    } catch (err) {
      showError(this.logMsg, `The log did not load. ${err instanceof RequestFailed ? err.message : ''}`, retryable(err) ? () => void this.loadLog() : undefined);
    } finally {
      this.logLoading = false;
    }
  }

  private async saveSerial(): Promise<void> {
    const serial = this.serial.value.trim();
    if (serial === '') {
      showError(this.serialMsg, 'Enter the serial shown on the charger.');
      this.serial.focus();
      return;
    }
    showInfo(this.serialMsg, 'Saving…');
    this.serialSave.disabled = true;
    try {
      const cp = await send<JobChargePoint>('PATCH', this.path, { serial });
      this.serial.dataset.server = cp.serial ?? '';
      this.serial.value = cp.serial ?? '';
      showInfo(this.serialMsg, 'Saved.');
      this.applyOne(cp);
    } catch (err) {
      showError(this.serialMsg, `Not saved. ${messageFor(err, 'serial')}`, retryable(err) ? () => void this.saveSerial() : undefined);
    } finally {
      this.serialSave.disabled = false;
    }
  }

  private async savePosition(): Promise<void> {
    const value = this.position.value;
    this.position.dataset.sending = '1';
    showInfo(this.positionMsg, 'Saving…');
    try {
      const cp = await send<JobChargePoint>('PATCH', this.path, { connector_position: value === '' ? null : value });
      showInfo(this.positionMsg, 'Saved.');
      delete this.position.dataset.sending;
      this.applyOne(cp);
    } catch (err) {
      // The select shows what the installer chose, with the message and Retry, until it is saved.
      showError(this.positionMsg, `Not saved. ${messageFor(err, 'connector_position')}`, retryable(err) ? () => void this.savePosition() : undefined);
    }
  }

  private async runAction(action: RemoteAction): Promise<void> {
    this.pendingAction = action;
    for (const b of this.buttons.values()) b.disabled = true;
    setText(this.actionMsg, `${ACTION_LABEL[action]}: pending…`);
    this.actionMsg.className = 'msg msg-info';
    try {
      const r = await send<ActionResult>('POST', `${this.path}/actions`, { action });
      this.localResult = { text: `${ACTION_LABEL[action]}: ${OUTCOME_TEXT[r.outcome]}`, at: r.at };
      this.actionMsg.replaceChildren(h('span', {}, this.localResult.text), r.detail ? ` (${r.detail})` : '', ' · ', timeEl(r.at));
      this.actionMsg.className = `msg ${r.outcome === 'accepted' ? 'msg-ok' : 'msg-error'}`;
    } catch (err) {
      showError(this.actionMsg, `${ACTION_LABEL[action]}: not sent. ${messageFor(err, 'action')}`, retryable(err) ? () => void this.runAction(action) : undefined);
      this.localResult = null;
    } finally {
      this.pendingAction = null;
      for (const b of this.buttons.values()) b.disabled = false;
      void poll();
    }
  }

  private async copyUrl(): Promise<void> {
    const text = this.url.textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
      setText(this.copyMsg, 'Copied');
    } catch {
      // No clipboard over plain HTTP: select the URL so a long-press copies it.
      const range = document.createRange();
      range.selectNodeContents(this.url);
      const sel = window.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
      setText(this.copyMsg, 'Selected: copy it from the menu');
    }
  }

  private async toggleReveal(): Promise<void> {
    if (this.revealed) {
      this.revealed = false;
      setText(this.revealBtn, 'Reveal');
      setText(this.password, '••••••••');
      return;
    }
    try {
      const r = await send<{ password: string; issued_at: string }>('POST', `${this.path}/password/reveal`);
      this.showPassword(r.password);
      clearMsg(this.passwordMsg);
    } catch (err) {
      showError(this.passwordMsg, messageFor(err, 'password'), retryable(err) ? () => void this.toggleReveal() : undefined);
    }
  }

  private showPassword(password: string): void {
    this.revealed = true;
    setText(this.password, password);
    setText(this.revealBtn, 'Hide');
    this.revealBtn.hidden = false;
  }

  private confirmNewPassword(): void {
    confirmDialog({
      title: 'Issue a new password?',
      body: 'The old password stops working at once. Type the new one into the charger, or it cannot connect.',
      confirm: 'Issue new password',
      onConfirm: async () => {
        const r = await send<{ password: string; issued_at: string; message: string }>('POST', `${this.path}/password`);
        this.showPassword(r.password);
        showInfo(this.passwordMsg, r.message);
        void poll();
      },
    });
  }

  private async addNote(): Promise<void> {
    const text = this.noteText.value.trim();
    if (text === '') {
      showError(this.noteMsg, 'Write the note first.');
      return;
    }
    showInfo(this.noteMsg, 'Sending…');
    try {
      await send<Note>('POST', `${this.path}/notes`, { text });
      // Cleared only once the server has it: a note that failed to send is still in the box.
      this.noteText.value = '';
      showInfo(this.noteMsg, 'Note saved.');
      void poll();
    } catch (err) {
      showError(this.noteMsg, `Note not sent. ${messageFor(err, 'text')}`, retryable(err) ? () => void this.addNote() : undefined);
    }
  }

  /** A write answered with this charge point: show it now, and refresh the header (the count) soon. */
  private applyOne(cp: JobChargePoint): void {
    if (view) this.update(cp, view);
    void poll();
  }
}

// ---------------------------------------------------------------------------------------------
// Dialogs: new password, mark as complete

function confirmDialog(opts: { title: string; body: string; confirm: string; extra?: Node; onConfirm: () => Promise<void> }): void {
  const msg = h('p', { class: 'msg', 'aria-live': 'polite' });
  const ok = h('button', { type: 'button', class: 'btn' }, opts.confirm);
  const cancel = h('button', { type: 'button', class: 'btn btn-secondary' }, 'Cancel');
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'dialog-title' }, h('h2', { id: 'dialog-title' }, opts.title), h('p', {}, opts.body), opts.extra ?? null, msg, h('div', { class: 'row-buttons' }, ok, cancel));
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  cancel.addEventListener('click', close);
  ok.addEventListener('click', async () => {
    ok.disabled = true;
    showInfo(msg, 'Sending…');
    try {
      await opts.onConfirm();
      close();
    } catch (err) {
      showError(msg, `Not done. ${messageFor(err, '')}`);
      setText(ok, 'Retry');
      ok.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
}

function buildCompleteSection(): void {
  completeBox.replaceChildren(
    h('h2', { id: 'complete-title' }, 'Finished?'),
    h('p', {}, 'When every charge point is installed and tested, mark the job as complete. The page then becomes read-only.'),
    h('button', { type: 'button', class: 'btn btn-wide', onclick: openCompleteDialog }, 'Mark as complete'),
  );
}

function openCompleteDialog(): void {
  const box = h('input', { type: 'checkbox', id: 'activate-all', checked: true });
  const extra = h(
    'div',
    { class: 'check' },
    box,
    h('label', { for: 'activate-all' }, 'Activate all charge points'),
    h('p', { class: 'hint' }, 'Checked: drivers can use every charge point at once. Unchecked: they stay inactive until the operator activates them.'),
  );
  confirmDialog({
    title: 'Mark the job as complete?',
    body: 'You cannot change the job after this.',
    confirm: 'Mark as complete',
    extra,
    onConfirm: async () => {
      const v = await send<JobView>('POST', '/complete', { activate_all: box.checked });
      etag = null;
      render(v);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Live: poll with If-None-Match (a 304 costs no body), pause while the tab is hidden.

let timer: number | undefined;
let inFlight: Promise<void> | null = null;

function poll(): Promise<void> {
  if (inFlight) return inFlight;
  inFlight = (async () => {
    try {
      const res = await fetch(apiBase, { headers: etag ? { 'if-none-match': etag } : {}, cache: 'no-store' });
      if (res.status === 404 || res.status === 410) return linkGone();
      if (res.status === 200) {
        etag = res.headers.get('etag');
        render((await res.json()) as JobView);
      }
      setText(header.live, res.ok || res.status === 304 ? '' : 'The server did not answer; retrying…');
    } catch {
      setText(header.live, 'Offline: showing the last known state; retrying…');
    } finally {
      inFlight = null;
      schedule();
    }
  })();
  return inFlight;
}

function schedule(): void {
  window.clearTimeout(timer);
  if (document.visibilityState === 'visible') timer = window.setTimeout(() => void poll(), POLL_MS);
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void poll();
  else window.clearTimeout(timer);
});

buildShell();
void poll();
