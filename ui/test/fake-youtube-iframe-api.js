/*
 * A fake of the YouTube IFrame Player API, for unit tests (jsdom) and for end-to-end tests of the
 * real app (load it with <script src> instead of https://www.youtube.com/iframe_api).
 *
 * Plain JavaScript, no imports. It behaves like the real API where Tandem depends on it:
 * - `window.onYouTubeIframeAPIReady` is called asynchronously once the script has run;
 * - `new YT.Player(elementOrId, { videoId, playerVars, events })` replaces the element with a
 *   placeholder <div data-fake-youtube data-video-id data-state (the YT.PlayerState number)
 *   data-state-name data-time data-rate> and fires `onReady` asynchronously (~50 ms); the player's
 *   methods exist only from then on, as with the real API;
 * - every event is delivered asynchronously (the real player talks over postMessage);
 * - cueVideoById → CUED; playVideo → BUFFERING (~150 ms) → PLAYING, the time then advancing with
 *   the clock times the playback rate; seekTo while playing → BUFFERING, the position jumping only
 *   after a slow-seek delay (~300 ms), then PLAYING; seekTo while paused stays paused; seekTo from
 *   CUED/ENDED starts playing (as documented for the real player); pauseVideo → PAUSED, time
 *   frozen; ENDED at the video's duration;
 * - setPlaybackRate accepts any rate from 0.25 to 2 (clamped), like the HTML5 player.
 *
 * Knobs and a call log for tests live in `window.__fakeYouTube` (set it before loading the script
 * to preset knobs): bufferMs, seekMs, readyMs, apiReadyMs, defaultDuration (s), durations[videoId]
 * (s), errorFor[videoId] = code (onError fires with it on cue/load), now() (the clock, ms; default
 * performance.now), log (calls), players (instances), reset().
 */
(function () {
  "use strict";
  var w = window;
  var State = { UNSTARTED: -1, ENDED: 0, PLAYING: 1, PAUSED: 2, BUFFERING: 3, CUED: 5 };
  var STATE_NAMES = { "-1": "unstarted", 0: "ended", 1: "playing", 2: "paused", 3: "buffering", 5: "cued" };
  var RATES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];

  var knobs = w.__fakeYouTube || {};
  w.__fakeYouTube = knobs;
  function defaults() {
    var d = {
      bufferMs: 150,
      seekMs: 300,
      readyMs: 50,
      apiReadyMs: 0,
      defaultDuration: 240,
      durations: {},
      errorFor: {},
      log: [],
      players: [],
      now: function () {
        return w.performance && w.performance.now ? w.performance.now() : Date.now();
      },
    };
    for (var k in d) if (!(k in knobs)) knobs[k] = d[k];
  }
  defaults();
  knobs.reset = function () {
    knobs.players.forEach(function (p) {
      p.destroy();
    });
    ["bufferMs", "seekMs", "readyMs", "apiReadyMs", "defaultDuration", "durations", "errorFor", "log", "players", "now"].forEach(
      function (k) {
        delete knobs[k];
      },
    );
    defaults();
  };

  function now() {
    return knobs.now();
  }
  function later(fn, ms) {
    return w.setTimeout(fn, Math.max(0, ms || 0));
  }
  function pad2(n) {
    return n < 10 ? "0" + n : String(n);
  }
  function clock(s) {
    var t = Math.floor(s);
    return Math.floor(t / 60) + ":" + pad2(t % 60);
  }

  function Player(elementOrId, options) {
    if (!(this instanceof Player)) throw new TypeError("YT.Player is a constructor");
    var opts = options || {};
    var target = typeof elementOrId === "string" ? w.document.getElementById(elementOrId) : elementOrId;
    if (!target) throw new Error("fake YT.Player: no element " + String(elementOrId));
    var self = this;
    var events = opts.events || {};
    var p = {
      ready: false,
      destroyed: false,
      videoId: null,
      state: State.UNSTARTED,
      basePos: 0,
      baseAt: 0,
      rate: 1,
      wantPlay: false,
      pending: null,
      pendingTarget: null,
      endTimer: null,
      displayTimer: null,
      duration: 0,
    };
    this.__p = p;
    this.__index = knobs.players.length;
    this.playerVars = opts.playerVars || {};
    knobs.players.push(this);

    var el = w.document.createElement("div");
    el.setAttribute("data-fake-youtube", "");
    if (target.id) el.id = target.id;
    el.style.width = typeof opts.width === "number" ? opts.width + "px" : opts.width || "100%";
    el.style.height = typeof opts.height === "number" ? opts.height + "px" : opts.height || "100%";
    el.style.background = "#111";
    el.style.color = "#eee";
    el.style.font = "14px/1.4 monospace";
    el.style.display = "flex";
    el.style.alignItems = "center";
    el.style.justifyContent = "center";
    if (target.parentNode) target.parentNode.replaceChild(el, target);
    this.__el = el;

    function log(method, args) {
      knobs.log.push({ player: self.__index, method: method, args: Array.prototype.slice.call(args || []), at: now() });
    }
    function emit(name, data) {
      var handler = events[name];
      if (typeof handler !== "function") return;
      later(function () {
        if (!p.destroyed) handler({ target: self, data: data });
      }, 0);
    }
    function rawTime() {
      if (p.state === State.PLAYING) return p.basePos + ((now() - p.baseAt) / 1000) * p.rate;
      return p.basePos;
    }
    function checkEnded() {
      if (p.state === State.PLAYING && rawTime() >= p.duration) {
        p.basePos = p.duration;
        p.wantPlay = false;
        clearEnd();
        setState(State.ENDED);
      }
    }
    function currentTime() {
      checkEnded();
      return Math.min(p.duration || Infinity, Math.max(0, rawTime()));
    }
    function render() {
      el.setAttribute("data-video-id", p.videoId || "");
      el.setAttribute("data-state", String(p.state));
      el.setAttribute("data-state-name", STATE_NAMES[p.state]);
      el.setAttribute("data-time", currentTime().toFixed(3));
      el.setAttribute("data-rate", String(p.rate));
      el.textContent = p.videoId
        ? "\u25B6 " + p.videoId + "  " + clock(currentTime()) + " / " + clock(p.duration) + "  (" + STATE_NAMES[p.state] + ")"
        : "fake YouTube player";
    }
    function setState(s) {
      if (p.state === s) return;
      p.state = s;
      render();
      emit("onStateChange", s);
    }
    function clearEnd() {
      if (p.endTimer != null) w.clearTimeout(p.endTimer);
      p.endTimer = null;
    }
    function clearPending() {
      if (p.pending != null) w.clearTimeout(p.pending);
      p.pending = null;
      p.pendingTarget = null;
    }
    function scheduleEnd() {
      clearEnd();
      if (p.state !== State.PLAYING) return;
      var left = ((p.duration - rawTime()) / p.rate) * 1000;
      p.endTimer = later(function () {
        p.endTimer = null;
        checkEnded();
        if (p.state === State.PLAYING) scheduleEnd();
      }, left);
    }
    function freeze() {
      p.basePos = currentTime();
      p.baseAt = now();
    }
    // Buffer for `ms`, then (if `target` is a number) jump there; then play if asked to.
    function buffer(ms, target) {
      freeze();
      clearEnd();
      clearPending();
      p.pendingTarget = target;
      if (p.wantPlay) setState(State.BUFFERING);
      p.pending = later(function () {
        var t = p.pendingTarget;
        p.pending = null;
        p.pendingTarget = null;
        if (typeof t === "number") p.basePos = t;
        p.baseAt = now();
        if (p.wantPlay) {
          setState(State.PLAYING);
          scheduleEnd();
        }
        render();
      }, ms);
    }
    function clampTime(s) {
      var n = Number(s);
      if (!isFinite(n)) n = 0;
      return Math.min(p.duration, Math.max(0, n));
    }
    function cue(videoId, start) {
      clearPending();
      clearEnd();
      p.videoId = String(videoId);
      p.wantPlay = false;
      p.duration = Number(knobs.durations[p.videoId] || knobs.defaultDuration);
      p.basePos = clampTime(start || 0);
      p.baseAt = now();
      var code = knobs.errorFor[p.videoId];
      if (code != null) {
        p.state = State.UNSTARTED;
        render();
        emit("onError", Number(code));
        return false;
      }
      setState(State.CUED);
      render();
      return true;
    }
    function args(videoIdOrObject, startSeconds) {
      if (videoIdOrObject && typeof videoIdOrObject === "object") {
        return [videoIdOrObject.videoId, videoIdOrObject.startSeconds || 0];
      }
      return [videoIdOrObject, startSeconds || 0];
    }

    var api = {
      cueVideoById: function (videoIdOrObject, startSeconds) {
        log("cueVideoById", arguments);
        var a = args(videoIdOrObject, startSeconds);
        cue(a[0], a[1]);
      },
      loadVideoById: function (videoIdOrObject, startSeconds) {
        log("loadVideoById", arguments);
        var a = args(videoIdOrObject, startSeconds);
        if (cue(a[0], a[1])) {
          p.wantPlay = true;
          buffer(knobs.bufferMs, null);
        }
      },
      playVideo: function () {
        log("playVideo", arguments);
        if (!p.videoId || knobs.errorFor[p.videoId] != null || p.state === State.PLAYING) return;
        if (p.pending != null) {
          // A seek is under way: play once it lands.
          if (!p.wantPlay) {
            p.wantPlay = true;
            setState(State.BUFFERING);
          }
          return;
        }
        if (p.state === State.ENDED) p.basePos = 0;
        p.wantPlay = true;
        buffer(knobs.bufferMs, null);
      },
      pauseVideo: function () {
        log("pauseVideo", arguments);
        if (!p.videoId) return;
        freeze();
        p.wantPlay = false;
        clearEnd();
        if (p.state === State.PLAYING || p.state === State.BUFFERING) setState(State.PAUSED);
        render();
      },
      stopVideo: function () {
        log("stopVideo", arguments);
        clearPending();
        clearEnd();
        p.wantPlay = false;
        p.basePos = 0;
        p.baseAt = now();
        setState(State.UNSTARTED);
        render();
      },
      seekTo: function (seconds, allowSeekAhead) {
        log("seekTo", arguments);
        void allowSeekAhead;
        if (!p.videoId) return;
        var t = clampTime(seconds);
        if (p.state !== State.PAUSED || p.wantPlay) p.wantPlay = true;
        buffer(knobs.seekMs, t);
      },
      getCurrentTime: function () {
        return currentTime();
      },
      getDuration: function () {
        return p.videoId ? p.duration : 0;
      },
      getPlayerState: function () {
        checkEnded();
        return p.state;
      },
      getPlaybackRate: function () {
        return p.rate;
      },
      setPlaybackRate: function (rate) {
        log("setPlaybackRate", arguments);
        var r = Number(rate);
        if (!isFinite(r)) return;
        r = Math.min(2, Math.max(0.25, r));
        if (r === p.rate) return;
        freeze();
        p.rate = r;
        scheduleEnd();
        render();
        emit("onPlaybackRateChange", r);
      },
      getAvailablePlaybackRates: function () {
        return RATES.slice();
      },
      getVideoData: function () {
        return { video_id: p.videoId || "", title: p.videoId ? "Fake video " + p.videoId : "", author: "Fake YouTube" };
      },
      getVideoUrl: function () {
        return p.videoId ? "https://www.youtube.com/watch?v=" + p.videoId : "https://www.youtube.com/watch";
      },
      getIframe: function () {
        return el;
      },
    };

    this.destroy = function () {
      log("destroy", arguments);
      if (p.destroyed) return;
      p.destroyed = true;
      clearPending();
      clearEnd();
      if (p.displayTimer != null) w.clearInterval(p.displayTimer);
      if (el.parentNode) el.parentNode.removeChild(el);
    };

    render();
    later(function () {
      if (p.destroyed) return;
      for (var name in api) self[name] = api[name];
      p.ready = true;
      if (opts.videoId) cue(opts.videoId, (opts.playerVars && opts.playerVars.start) || 0);
      p.displayTimer = w.setInterval(render, 250);
      var onReady = events.onReady;
      if (typeof onReady === "function") onReady({ target: self });
    }, knobs.readyMs);
  }

  w.YT = {
    Player: Player,
    PlayerState: State,
    loaded: 1,
    fake: true,
  };

  later(function () {
    if (typeof w.onYouTubeIframeAPIReady === "function") w.onYouTubeIframeAPIReady();
  }, knobs.apiReadyMs);
})();
