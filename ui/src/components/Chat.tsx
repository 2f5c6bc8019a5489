import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { CHAT_MAX, chatRemaining, chatToSend, clampChat } from "../chat/limit";
import * as api from "../ipc/client";
import type { RoomUiView } from "../ipc/types";
import { run } from "../state/actions";
import { formatClockUs } from "../time/format";
import { SendIcon } from "./icons";

export function Chat({ room }: { room: RoomUiView }) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const lastId = room.chat.length > 0 ? room.chat[room.chat.length - 1]!.id : null;

  useLayoutEffect(() => {
    const el = list.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lastId]);

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  const send = async (e: Event) => {
    e.preventDefault();
    const t = chatToSend(text);
    if (t == null || busy) return;
    setBusy(true);
    stick.current = true;
    if (await run(api.chat(t))) setText("");
    setBusy(false);
  };

  const left = chatRemaining(text);
  return (
    <section class="card chat" aria-labelledby="chat-title" data-testid="chat">
      <h2 id="chat-title">Chat</h2>
      <ol
        class="chat-list"
        ref={list}
        aria-live="polite"
        aria-relevant="additions"
        data-testid="chat-list"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {room.chat.length === 0 && <li class="muted small chat-empty">No messages yet. Say hello!</li>}
        {room.chat.map((m) => (
          <li key={m.id} class={m.memberId === room.me.memberId ? "chat-msg chat-mine" : "chat-msg"} data-testid="chat-message" data-member-id={m.memberId}>
            <div class="chat-meta">
              <span class="chat-name" data-testid="chat-name">
                {m.name}
              </span>
              <time class="muted small" data-testid="chat-time" dateTime={new Date(Math.floor(m.atUs / 1000)).toISOString()}>
                {formatClockUs(m.atUs)}
              </time>
            </div>
            <p class="chat-text" data-testid="chat-text">
              {m.text}
            </p>
          </li>
        ))}
      </ol>
      <form class="row chat-form" onSubmit={send}>
        <label class="sr-only" for="chat-input">
          Message
        </label>
        <input
          id="chat-input"
          type="text"
          value={text}
          maxLength={CHAT_MAX}
          placeholder="Message"
          autoComplete="off"
          onInput={(e) => setText(clampChat(e.currentTarget.value))}
          data-testid="chat-input"
        />
        <button type="submit" class="icon-btn" aria-label="Send" title="Send (Enter)" disabled={busy || chatToSend(text) == null} data-testid="chat-send">
          <SendIcon />
        </button>
      </form>
      {left <= 50 && (
        <p class={left <= 0 ? "small form-error" : "small muted"} aria-live="polite" data-testid="chat-counter">
          {left <= 0 ? `That is the ${CHAT_MAX}-character limit.` : `${left} characters left`}
        </p>
      )}
    </section>
  );
}
