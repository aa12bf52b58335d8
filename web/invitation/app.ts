// The invitation page (issue #16): what the link in an invitation mail or QR code opens, on the
// invitee's phone. A thin client of the JSON API: the preview says who invites to what, then the
// person signs in (or signs up and verifies their email) and accepts; every rule (who may accept,
// password strength, single use) is the API's, and its problem+json answers are shown in words next
// to the field they name.
//
// The access token lives in this script's memory only (never localStorage or a cookie): it is used
// for the one accept request and dropped, and a reload simply asks to sign in again.
//
// Bundled and minified by esbuild into lib/web/job-page-assets.gen.ts (npx tsx scripts/gen-job-page-assets.ts).

import { formatTime, h, request, RequestFailed, type Child, type Problem } from '../shared/ui';

interface Preview {
  kind: 'operator_staff' | 'team_owner' | 'team_member' | 'location_installer';
  email: string;
  invited_by: { name: string | null; email: string | null };
  operator: { name: string | null };
  team: { team_id: string; name: string } | null;
  location: { location_id: string; name: string; address: string | null; country: string | null } | null;
  role: string | null;
  sensitive_data: boolean;
  expires_at: string;
}

const root = document.getElementById('app') as HTMLElement;
const invitationApi = root.dataset.api ?? '';

// ---------------------------------------------------------------------------------------------
// Fields and messages

interface Field {
  readonly input: HTMLInputElement;
  readonly msg: HTMLElement;
  readonly el: HTMLElement;
}

function field(id: string, label: string, attrs: Record<string, string | boolean>, hint?: string): Field {
  const input = h('input', { id, name: id.replace(/^[a-z]+-/, ''), 'aria-describedby': `${id}-msg${hint ? ` ${id}-hint` : ''}`, ...attrs });
  const msg = h('p', { class: 'msg', id: `${id}-msg` });
  const el = h('div', { class: 'field' }, h('label', { for: id }, label), hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, input, msg);
  return { input, msg, el };
}

function setFieldError(f: Field, text: string): void {
  f.msg.textContent = text;
  f.msg.className = 'msg msg-error';
  f.input.setAttribute('aria-invalid', 'true');
}

function clearFields(fields: readonly Field[]): void {
  for (const f of fields) {
    f.msg.textContent = '';
    f.msg.className = 'msg';
    f.input.removeAttribute('aria-invalid');
  }
}

/** The one status line (aria-live): progress, and errors that belong to no field. */
const statusLine = h('p', { class: 'msg', role: 'status', 'aria-live': 'polite', id: 'status' });
function setStatus(text: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  statusLine.textContent = text;
  statusLine.className = text ? `msg msg-${kind}` : 'msg';
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Shows a failed request in words: each issue next to the field it names (`errors[].field`, the
 * body's field name, possibly with a prefix), the rest on the status line. The first field with an
 * error gets the focus, so a screen reader reads the message with it.
 */
function showFailure(err: unknown, fields: Readonly<Record<string, Field>>, special: (p: Problem) => { field?: string; text: string } | null = () => null): void {
  const problem = err instanceof RequestFailed ? err.problem : null;
  let focus: Field | undefined;
  const put = (name: string | undefined, text: string) => {
    const f = name ? fields[name] : undefined;
    if (f) {
      setFieldError(f, text);
      focus ??= f;
    } else setStatus(text, 'error');
  };
  if (!problem) put(undefined, err instanceof Error ? err.message : 'Something went wrong.');
  else if (problem.status === 429) put(undefined, 'Too many attempts from this network. Wait a minute, then try again.');
  else {
    const mapped = special(problem);
    if (mapped) put(mapped.field, mapped.text);
    else if (problem.errors?.length) {
      for (const issue of problem.errors) {
        const name = Object.keys(fields).find((k) => issue.field === k || issue.field.endsWith(`.${k}`));
        put(name, name ? capitalise(issue.message) : (problem.detail ?? issue.message));
      }
    } else put(undefined, problem.detail ?? (err as Error).message);
  }
  focus?.input.focus();
}

function busy(button: HTMLButtonElement, on: boolean, label: string): void {
  button.disabled = on;
  button.textContent = label;
  root.setAttribute('aria-busy', String(on));
}

// ---------------------------------------------------------------------------------------------
// What the invitation is for, in words

function targetName(p: Preview): string {
  return p.location?.name ?? p.team?.name ?? p.operator.name ?? 'this charging location';
}

function invitedTo(p: Preview): string {
  switch (p.kind) {
    case 'team_owner':
      return `to become the owner of ${targetName(p)}`;
    case 'team_member':
      return `to join ${targetName(p)} as ${p.role === 'admin' ? 'an admin' : 'a member'}`;
    case 'location_installer':
      return `to look after ${targetName(p)} as its installer`;
    case 'operator_staff':
      return `to join ${p.operator.name ?? 'a charge point operator'} as ${p.role === 'admin' ? 'an admin' : 'a manager'}`;
  }
}

function roleText(p: Preview): string {
  switch (p.kind) {
    case 'team_owner':
      return 'Owner: you decide who else has access';
    case 'team_member':
      return p.role === 'admin' ? 'Admin of the location’s team' : 'Member of the location’s team';
    case 'location_installer':
      return p.sensitive_data ? 'Installer, with access to personal and energy data' : 'Installer';
    case 'operator_staff':
      return p.role === 'admin' ? 'Operator admin' : 'Operator manager';
  }
}

function acceptedText(p: Preview): string {
  switch (p.kind) {
    case 'team_owner':
      return `You are now the owner of ${targetName(p)}.`;
    case 'team_member':
      return `You are now ${p.role === 'admin' ? 'an admin' : 'a member'} of ${targetName(p)}.`;
    case 'location_installer':
      return `You now look after ${targetName(p)} as its installer.`;
    case 'operator_staff':
      return `You are now ${p.role === 'admin' ? 'an admin' : 'a manager'} at ${p.operator.name ?? 'the operator'}.`;
  }
}

// ---------------------------------------------------------------------------------------------
// The page

async function main(): Promise<void> {
  let preview: Preview;
  try {
    preview = await request<Preview>('GET', invitationApi);
  } catch (err) {
    // Used or withdrawn since the page was served: the server's plain page says so.
    if (err instanceof RequestFailed && (err.problem?.status === 404 || err.problem?.status === 410)) return window.location.reload();
    root.replaceChildren(h('div', { class: 'plain' }, h('h1', {}, 'The invitation could not be loaded'), h('p', {}, err instanceof Error ? err.message : 'Something went wrong.'), h('button', { type: 'button', class: 'btn', onclick: () => window.location.reload() }, 'Try again')));
    root.removeAttribute('aria-busy');
    return;
  }
  render(preview);
}

function render(p: Preview): void {
  const inviter = p.invited_by.name ? `${p.invited_by.name}${p.invited_by.email ? ` (${p.invited_by.email})` : ''}` : (p.invited_by.email ?? 'Someone');
  const title = h('h1', { tabindex: '-1' }, `You are invited ${invitedTo(p)}`);
  const rows: Array<[string, Child]> = [
    ['Invited by', inviter],
    ...(p.location ? ([['Location', [p.location.name, p.location.address, p.location.country].filter(Boolean).join(', ')]] as Array<[string, Child]>) : []),
    ...(!p.location && p.team ? ([['Team', p.team.name]] as Array<[string, Child]>) : []),
    ...(p.operator.name ? ([['Operator', p.operator.name]] as Array<[string, Child]>) : []),
    ['Your role', roleText(p)],
    ['For', p.email],
    ['Valid until', h('time', { datetime: p.expires_at }, formatTime(p.expires_at))],
  ];
  const about = h('section', { class: 'about', 'aria-label': 'About the invitation' }, h('dl', { class: 'settings' }, ...rows.map(([k, v]) => h('div', { class: 'setting' }, h('dt', {}, k), h('dd', {}, v)))));

  // Sign in (an existing account) ---------------------------------------------------------------
  const signinEmail = field('signin-email', 'Email', { type: 'email', autocomplete: 'username', required: true, value: p.email, spellcheck: 'false', autocapitalize: 'none' });
  const signinPassword = field('signin-password', 'Password', { type: 'password', autocomplete: 'current-password', required: true });
  const signinButton = h('button', { type: 'submit', class: 'btn btn-wide' }, 'Sign in and accept');
  const signinForm = h('form', { novalidate: true, 'aria-labelledby': 'signin-title' }, signinEmail.el, signinPassword.el, signinButton);

  // Sign up (no account yet), then the emailed code --------------------------------------------
  const signupName = field('signup-name', 'Your name', { type: 'text', autocomplete: 'name', required: true });
  // The new account must have the invited address (only it may accept), so it is not editable here.
  const signupEmail = field('signup-email', 'Email', { type: 'email', autocomplete: 'username', readonly: true, value: p.email }, 'The invitation is for this address.');
  const signupPassword = field('signup-password', 'Choose a password', { type: 'password', autocomplete: 'new-password', required: true }, 'Long and hard to guess: a few unrelated words work well.');
  const signupButton = h('button', { type: 'submit', class: 'btn btn-wide' }, 'Create account');
  const signupFields = { name: signupName, email: signupEmail, password: signupPassword };
  const signupForm = h('form', { novalidate: true, 'aria-labelledby': 'signup-title' }, signupName.el, signupEmail.el, signupPassword.el, signupButton);
  const signupTitle = h('h2', { id: 'signup-title', tabindex: '-1' }, 'Create an account');
  const signupSection = h('section', { class: 'card', hidden: true }, signupTitle, signupForm);

  const code = field('verify-code', 'Verification code', { type: 'text', autocomplete: 'one-time-code', required: true, spellcheck: 'false', autocapitalize: 'none' }, 'Copy it from the email (the line “Verification token”).');
  const verifyButton = h('button', { type: 'submit', class: 'btn btn-wide' }, 'Verify and accept');
  const verifyTitle = h('h2', { id: 'verify-title', tabindex: '-1' }, 'Check your email');
  const verifyForm = h('form', { novalidate: true, 'aria-labelledby': 'verify-title' }, code.el, verifyButton);
  const verifySection = h(
    'section',
    { class: 'card', hidden: true },
    verifyTitle,
    h('p', {}, `We emailed you a verification code at ${p.email}.`),
    h('p', { class: 'hint' }, 'If this address already has an account, we emailed that instead: sign in above.'),
    verifyForm,
  );

  const signinTitle = h('h2', { id: 'signin-title' }, 'Sign in to accept');
  const signinSection = h('section', { class: 'card' }, signinTitle, signinForm);
  const newHere = h('button', { type: 'button', class: 'btn btn-secondary btn-wide', 'aria-expanded': 'false' }, 'New here? Create an account');
  const doneTitle = h('h2', { tabindex: '-1' }, 'Invitation accepted');
  const doneText = h('p', { class: 'banner' });
  const doneSection = h('section', { class: 'card', hidden: true }, doneTitle, doneText, h('p', {}, 'You can close this page.'));

  root.replaceChildren(
    h('header', { class: 'job-head' }, h('p', { class: 'eyebrow' }, 'Invitation'), title),
    about,
    statusLine,
    h('div', { class: 'cards' }, signinSection, h('p', { class: 'plain' }, newHere), signupSection, verifySection, doneSection),
  );
  root.removeAttribute('aria-busy');

  newHere.addEventListener('click', () => {
    signupSection.hidden = false;
    newHere.setAttribute('aria-expanded', 'true');
    signupTitle.focus();
  });

  /** Accepting with a fresh token; the token is a local and is gone when this returns. */
  async function acceptWith(email: string, password: string, emailField: Field | null): Promise<boolean> {
    setStatus('Signing in…');
    let token: string;
    try {
      token = (await request<{ access_token: string }>('POST', '/api/v1/installer/login', { email, password })).access_token;
    } catch (err) {
      showFailure(err, emailField ? { email: emailField, password: signinPassword } : {}, (pr) => {
        if (pr.status === 401) return { field: emailField ? 'password' : undefined, text: 'The email or password is not right.' };
        if (pr.reason === 'email_not_verified') return { field: 'email', text: 'This email is not verified yet. Use “New here? Create an account” below to get a new verification code.' };
        if (pr.reason === 'account_disabled') return { field: 'email', text: 'This account is disabled.' };
        return null;
      });
      if (statusLine.textContent === 'Signing in…') setStatus('');
      return false;
    }
    setStatus('Accepting the invitation…');
    try {
      await request('POST', `${invitationApi}/accept`, {}, token);
    } catch (err) {
      if (err instanceof RequestFailed && err.problem?.status === 410) {
        setStatus('This invitation can no longer be accepted. Ask whoever invited you for a new one.', 'error');
        return false;
      }
      showFailure(err, emailField ? { email: emailField } : {}, (pr) =>
        pr.status === 403 ? { field: 'email', text: `This invitation is for another email address (${p.email}). Sign in with that address.` } : null,
      );
      if (statusLine.textContent === 'Accepting the invitation…') setStatus('');
      return false;
    }
    setStatus('');
    for (const s of [signinSection, signupSection, verifySection, newHere.parentElement as HTMLElement]) s.hidden = true;
    doneText.textContent = acceptedText(p);
    doneSection.hidden = false;
    doneTitle.focus();
    return true;
  }

  signinForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFields([signinEmail, signinPassword]);
    setStatus('');
    if (!signinEmail.input.value.trim()) return setFieldError(signinEmail, 'Enter your email address.'), signinEmail.input.focus();
    if (!signinPassword.input.value) return setFieldError(signinPassword, 'Enter your password.'), signinPassword.input.focus();
    busy(signinButton, true, 'Signing in…');
    try {
      await acceptWith(signinEmail.input.value.trim(), signinPassword.input.value, signinEmail);
    } finally {
      busy(signinButton, false, 'Sign in and accept');
    }
  });

  // The signup password is needed twice more (verify, login); it stays in this closure only.
  let signupSecret = '';
  signupForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFields(Object.values(signupFields));
    setStatus('');
    if (!signupName.input.value.trim()) return setFieldError(signupName, 'Enter your name.'), signupName.input.focus();
    if (!signupPassword.input.value) return setFieldError(signupPassword, 'Choose a password.'), signupPassword.input.focus();
    busy(signupButton, true, 'Creating the account…');
    try {
      await request('POST', '/api/v1/installer/signup', { name: signupName.input.value.trim(), email: p.email, password: signupPassword.input.value });
      signupSecret = signupPassword.input.value;
      signupSection.hidden = true;
      verifySection.hidden = false;
      verifyTitle.focus();
    } catch (err) {
      showFailure(err, signupFields);
    } finally {
      busy(signupButton, false, 'Create account');
    }
  });

  verifyForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFields([code]);
    setStatus('');
    const token = code.input.value.trim();
    if (!token) return setFieldError(code, 'Enter the code from the email.'), code.input.focus();
    busy(verifyButton, true, 'Verifying…');
    try {
      try {
        await request('POST', '/api/v1/installer/verify-email', { token, password: signupSecret });
      } catch (err) {
        showFailure(err, { token: code }, (pr) => {
          const issue = pr.errors?.[0];
          if (issue?.field.endsWith('token')) return { field: 'token', text: 'This code is not valid or has expired. Check that you copied all of it, or create the account again for a new one.' };
          if (issue?.field.endsWith('password')) return { text: 'The password does not match the one chosen when the account was created. Create the account again.' };
          return null;
        });
        return;
      }
      if (await acceptWith(p.email, signupSecret, null)) signupSecret = '';
    } finally {
      busy(verifyButton, false, 'Verify and accept');
    }
  });
}

void main();
