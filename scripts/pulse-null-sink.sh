# Sourced by scripts/test.sh: makes a real-time-paced audio output available for the audio
# engine's real-device test. There is no sound card in CI; a PulseAudio server with a null sink,
# with ALSA's default routed to it, is paced in real time (ALSA's own `null` device is not).
#
# A desktop that already runs PulseAudio or PipeWire (pactl answers) is left alone. Otherwise a
# private server is started only in CI or when TANDEM_START_PULSE=1, so a developer's machine is
# never reconfigured behind their back. Without one, that test says SKIPPED and why.

if command -v pactl >/dev/null 2>&1 && pactl info >/dev/null 2>&1; then
  echo "audio: using the running PulseAudio server" >&2
elif [ "${CI:-}" = "true" ] || [ "${TANDEM_START_PULSE:-}" = "1" ]; then
  if command -v pulseaudio >/dev/null 2>&1; then
    export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/tandem-xdg}"
    mkdir -p -m 700 "$XDG_RUNTIME_DIR"
    pulseaudio --daemonize=yes -n --exit-idle-time=-1 --high-priority=yes \
      --log-target=file:/tmp/tandem-pulseaudio.log \
      --load=module-native-protocol-unix \
      --load="module-null-sink sink_name=tandem_null" >/dev/null 2>&1 || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do pactl info >/dev/null 2>&1 && break; sleep 0.5; done
    if pactl set-default-sink tandem_null >/dev/null 2>&1; then
      if [ ! -e "${HOME:-/root}/.asoundrc" ]; then
        printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' >"${HOME:-/root}/.asoundrc"
      fi
      echo "audio: started PulseAudio with a null sink (log: /tmp/tandem-pulseaudio.log)" >&2
    else
      echo "audio: PulseAudio did not start; the real-device test will skip (see /tmp/tandem-pulseaudio.log)" >&2
    fi
  fi
fi
