import { useEffect, useState } from "preact/hooks";
import * as api from "../ipc/client";
import type { ControlPolicy, DiscoveredRoom } from "../ipc/types";
import { checkJoinLink } from "../links/parse";
import { homeMessage } from "../session/screen";
import { runInline } from "../state/actions";
import { discovery, session, settings } from "../state/store";
import { LockIcon, PeopleIcon } from "./icons";
import { POLICY_OPTIONS } from "./labels";

const MAX_ROOM_NAME = 60;
const MAX_PASSWORD = 128;
const MAX_NAME = 40;

export function Home() {
  const msg = homeMessage(session.value);
  return (
    <main class="home" data-testid="home">
      {msg && (
        <div
          class={msg.tone === "error" ? "callout callout-error" : "callout"}
          role={msg.tone === "error" ? "alert" : "status"}
          data-testid={msg.tone === "error" ? "session-error" : "session-message"}
        >
          {msg.text}
        </div>
      )}
      <div class="home-grid">
        <HostForm />
        <JoinForm />
      </div>
      <div class="home-grid">
        <DiscoveryList />
        <PasteLink />
      </div>
    </main>
  );
}

/** First run: a display name before anything else. */
export function NameGate() {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const s = settings.value;
    const n = name.trim();
    if (!s) return;
    if (n === "") return setError("Type the name others will see.");
    setBusy(true);
    setError(null);
    try {
      settings.value = await api.saveSettings({ ...s, displayName: n });
    } catch (err) {
      setError(api.toUiError(err).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="home">
      <form class="card name-gate" onSubmit={submit} data-testid="name-gate">
        <h1>Welcome to Tandem</h1>
        <p class="muted">Listen to music together, in sync. First: what should others in a room call you?</p>
        <label class="field">
          <span>Your name</span>
          <input
            type="text"
            value={name}
            maxLength={MAX_NAME}
            autoComplete="nickname"
            autoFocus
            required
            onInput={(e) => setName(e.currentTarget.value)}
            data-testid="name-input"
          />
        </label>
        {error && (
          <p class="form-error" role="alert" data-testid="name-error">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="name-save">
          {busy ? "Saving…" : "Continue"}
        </button>
      </form>
    </main>
  );
}

function HostForm() {
  const s = settings.value;
  const [name, setName] = useState(() => (s?.displayName ? `${s.displayName}'s room` : ""));
  const [policy, setPolicy] = useState<ControlPolicy>(s?.defaultPolicy ?? "host-and-djs");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);

  // The settings may arrive after the form is shown: fill in what was not typed yet.
  useEffect(() => {
    if (!s || touched) return;
    if (s.displayName) setName(`${s.displayName}'s room`);
    setPolicy(s.defaultPolicy);
  }, [s?.displayName, s?.defaultPolicy]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    if (n === "") return setError("Give the room a name.");
    setBusy(true);
    setError(null);
    await runInline(api.hostRoom({ name: n, policy, password: password === "" ? null : password }), (err) => setError(err.message));
    setBusy(false);
  };

  return (
    <form class="card" onSubmit={submit} data-testid="host-form" aria-labelledby="host-title">
      <h2 id="host-title">Host a room</h2>
      <p class="muted">Start a room on this computer. Others on your network join with its code, link or QR code.</p>
      <label class="field">
        <span>Room name</span>
        <input type="text" value={name} maxLength={MAX_ROOM_NAME} required onInput={(e) => {
            setTouched(true);
            setName(e.currentTarget.value);
          }} data-testid="host-name" />
      </label>
      <label class="field">
        <span>Who may control playback</span>
        <select
          value={policy}
          onChange={(e) => {
            setTouched(true);
            setPolicy(e.currentTarget.value as ControlPolicy);
          }}
          data-testid="host-policy"
        >
          {POLICY_OPTIONS.map((o) => (
            <option value={o.value} key={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>
          Password <small class="muted">(optional)</small>
        </span>
        <input type="password" value={password} maxLength={MAX_PASSWORD} autoComplete="new-password" onInput={(e) => setPassword(e.currentTarget.value)} data-testid="host-password" />
      </label>
      {error && (
        <p class="form-error" role="alert" data-testid="host-error">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="host-submit">
        {busy ? "Starting…" : "Host a room"}
      </button>
    </form>
  );
}

function JoinForm() {
  const [code, setCode] = useState("");
  const last = settings.value?.lastAddress ?? "";
  const [address, setAddress] = useState(last);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (last && address === "") setAddress(last);
  }, [last]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const c = code.replace(/\s+/g, "").toUpperCase();
    if (c === "") return setError("Type the room's code.");
    setBusy(true);
    setError(null);
    await runInline(api.joinRoom({ address: address.trim(), code: c, password: password === "" ? null : password }), (err) => setError(err.message));
    setBusy(false);
  };

  return (
    <form class="card" onSubmit={submit} data-testid="join-form" aria-labelledby="join-title">
      <h2 id="join-title">Join a room</h2>
      <p class="muted">Type the code the host shows you.</p>
      <label class="field">
        <span>Room code</span>
        <input
          type="text"
          class="code-input"
          value={code}
          maxLength={16}
          autoCapitalize="characters"
          spellcheck={false}
          placeholder="K7QM2D"
          required
          onInput={(e) => setCode(e.currentTarget.value.toUpperCase())}
          data-testid="join-code"
        />
      </label>
      <label class="field">
        <span>
          Address <small class="muted">(only for a room not listed below)</small>
        </span>
        <input
          type="text"
          value={address}
          placeholder="192.168.1.20:7878"
          spellcheck={false}
          onInput={(e) => setAddress(e.currentTarget.value)}
          data-testid="join-address"
        />
      </label>
      <label class="field">
        <span>
          Password <small class="muted">(if the room has one)</small>
        </span>
        <input type="password" value={password} maxLength={MAX_PASSWORD} autoComplete="off" onInput={(e) => setPassword(e.currentTarget.value)} data-testid="join-password" />
      </label>
      {error && (
        <p class="form-error" role="alert" data-testid="join-error">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="join-submit">
        {busy ? "Joining…" : "Join"}
      </button>
    </form>
  );
}

function DiscoveryList() {
  const rooms = discovery.value;
  return (
    <section class="card" aria-labelledby="discovery-title" data-testid="discovery-list">
      <h2 id="discovery-title">Rooms on this network</h2>
      {rooms.length === 0 ? (
        <p class="muted" data-testid="discovery-empty">
          Looking for rooms… Rooms hosted on this network appear here by themselves.
        </p>
      ) : (
        <ul class="discovery">
          {rooms.map((r) => (
            <DiscoveredRow room={r} key={`${r.url}|${r.code}`} />
          ))}
        </ul>
      )}
    </section>
  );
}

function DiscoveredRow({ room }: { room: DiscoveredRoom }) {
  const [asking, setAsking] = useState(false);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const join = async (pw: string | null) => {
    setBusy(true);
    setError(null);
    await runInline(api.joinRoom({ address: room.url, code: room.code, password: pw }), (err) => setError(err.message));
    setBusy(false);
  };

  return (
    <li class="discovery-room" data-testid="discovery-room" data-code={room.code}>
      <div class="discovery-main">
        <div class="discovery-text">
          <strong>{room.name}</strong>
          <span class="muted">
            hosted by {room.hostName} · <PeopleIcon size={14} /> {room.members}
            {room.hasPassword && (
              <>
                {" · "}
                <LockIcon size={14} /> password
              </>
            )}
          </span>
        </div>
        {!asking && (
          <button
            type="button"
            class="btn"
            disabled={busy}
            aria-label={`Join ${room.name}`}
            data-testid="discovery-join"
            onClick={() => (room.hasPassword ? setAsking(true) : void join(null))}
          >
            Join
          </button>
        )}
      </div>
      {asking && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void join(password);
          }}
        >
          <label class="field field-inline">
            <span>Password for {room.name}</span>
            <input type="password" value={password} autoFocus onInput={(e) => setPassword(e.currentTarget.value)} data-testid="discovery-password" />
          </label>
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="discovery-password-submit">
            Join
          </button>
          <button type="button" class="btn btn-quiet" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <p class="form-error" role="alert" data-testid="discovery-error">
          {error}
        </p>
      )}
    </li>
  );
}

function PasteLink() {
  const [link, setLink] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const checked = checkJoinLink(link);
    if (!checked.ok) return setError(checked.message);
    setBusy(true);
    setError(null);
    await runInline(api.openLink(checked.link), (err) => setError(err.message));
    setBusy(false);
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="paste-title">
      <h2 id="paste-title">Got an invitation link?</h2>
      <p class="muted">Paste a tandem:// link (or the web link the host shared) to join straight away.</p>
      <div class="row">
        <label class="sr-only" for="open-link">
          Invitation link
        </label>
        <input
          id="open-link"
          type="text"
          value={link}
          placeholder="tandem://join/…"
          spellcheck={false}
          onInput={(e) => {
            setLink(e.currentTarget.value);
            setError(null);
          }}
          data-testid="open-link-input"
        />
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="open-link-submit">
          Open
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert" data-testid="open-link-error">
          {error}
        </p>
      )}
    </form>
  );
}
