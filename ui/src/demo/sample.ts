// Hand-written sample data for the ?demo page and the UI's tests: a room with three members, a
// queue with one song of each source kind, a YouTube song playing, chat, and a share panel. Typed,
// so it always matches types.ts. (The IPC fixtures in ../ipc/fixtures/ belong to the Rust test
// that writes them; they are only used to check the contract.)

import type { DiscoveredRoom, RoomUiView, Settings, TickView } from "../ipc/types";

export const sampleRoom: RoomUiView = {
  "code": "K7QM2D",
  "name": "Friday night",
  "policy": "host-and-djs",
  "hasPassword": false,
  "me": {
    "memberId": 1,
    "role": "host",
    "name": "Ada"
  },
  "members": [
    {
      "id": 1,
      "name": "Ada",
      "role": "host",
      "connected": true
    },
    {
      "id": 2,
      "name": "Grace",
      "role": "dj",
      "connected": true
    },
    {
      "id": 3,
      "name": "Linus",
      "role": "listener",
      "connected": false
    }
  ],
  "memberCount": 3,
  "queue": [
    {
      "entry": {
        "song": {
          "id": 11,
          "source": {
            "kind": "youtube",
            "videoId": "Zi_XLOBDo_Y"
          },
          "url": "https://www.youtube.com/watch?v=Zi_XLOBDo_Y",
          "title": "Billie Jean",
          "artist": "Michael Jackson",
          "durationUs": 294000000,
          "addedBy": 3,
          "addedByName": "Linus",
          "addedAtUs": 1717430460000000
        },
        "score": 2,
        "upvotes": 2,
        "downvotes": 0,
        "pinned": true
      },
      "myVote": 1
    },
    {
      "entry": {
        "song": {
          "id": 12,
          "source": {
            "kind": "spotify",
            "trackId": "4uLU6hMCjMI75M1A2tKUQC"
          },
          "url": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
          "title": "Midnight City",
          "artist": "M83",
          "album": "Hurry Up, We're Dreaming",
          "durationUs": 243960000,
          "addedBy": 2,
          "addedByName": "Grace",
          "addedAtUs": 1717430520000000
        },
        "score": 1,
        "upvotes": 2,
        "downvotes": 1,
        "pinned": false
      },
      "myVote": -1
    },
    {
      "entry": {
        "song": {
          "id": 13,
          "source": {
            "kind": "local",
            "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "codec": "flac"
          },
          "title": "Field Recording No. 4",
          "artist": "Ada Lovelace Quartet",
          "album": "Home Tapes",
          "durationUs": 187500000,
          "addedBy": 1,
          "addedByName": "Ada",
          "addedAtUs": 1717430580000000
        },
        "score": 0,
        "upvotes": 0,
        "downvotes": 0,
        "pinned": false
      },
      "myVote": 0
    }
  ],
  "nowPlaying": {
    "song": {
      "id": 10,
      "source": {
        "kind": "youtube",
        "videoId": "dQw4w9WgXcQ"
      },
      "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
      "title": "Never Gonna Give You Up",
      "artist": "Rick Astley",
      "durationUs": 213000000,
      "addedBy": 2,
      "addedByName": "Grace",
      "addedAtUs": 1717430400000000
    },
    "cover": null,
    "isPlaying": true,
    "waiting": false
  },
  "chat": [
    {
      "id": 1,
      "memberId": 2,
      "name": "Grace",
      "text": "Put on something we can dance to!",
      "atUs": 1717430430000000
    },
    {
      "id": 2,
      "memberId": 1,
      "name": "Ada",
      "text": "Queued. <b>No</b> HTML here, just text & symbols 🎶",
      "atUs": 1717430490000000
    },
    {
      "id": 3,
      "memberId": 3,
      "name": "Linus",
      "text": "Back in five, keep it going",
      "atUs": 1717430600000000
    }
  ],
  "canControl": true,
  "controlReason": null,
  "hosting": true,
  "share": {
    "link": "tandem://join/K7QM2D?host=192.168.1.20%3A7878",
    "addresses": [
      "192.168.1.20:7878",
      "10.0.0.5:7878"
    ],
    "qrSvg": "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 25 25\" shape-rendering=\"crispEdges\"><rect width=\"25\" height=\"25\" fill=\"#fff\"/><path fill=\"#000\" d=\"M2 2h1v1h-1zM3 2h1v1h-1zM4 2h1v1h-1zM5 2h1v1h-1zM6 2h1v1h-1zM7 2h1v1h-1zM8 2h1v1h-1zM10 2h1v1h-1zM11 2h1v1h-1zM12 2h1v1h-1zM13 2h1v1h-1zM14 2h1v1h-1zM16 2h1v1h-1zM17 2h1v1h-1zM18 2h1v1h-1zM19 2h1v1h-1zM20 2h1v1h-1zM21 2h1v1h-1zM22 2h1v1h-1zM2 3h1v1h-1zM8 3h1v1h-1zM12 3h1v1h-1zM14 3h1v1h-1zM16 3h1v1h-1zM22 3h1v1h-1zM2 4h1v1h-1zM4 4h1v1h-1zM5 4h1v1h-1zM6 4h1v1h-1zM8 4h1v1h-1zM11 4h1v1h-1zM12 4h1v1h-1zM14 4h1v1h-1zM16 4h1v1h-1zM18 4h1v1h-1zM19 4h1v1h-1zM20 4h1v1h-1zM22 4h1v1h-1zM2 5h1v1h-1zM4 5h1v1h-1zM5 5h1v1h-1zM6 5h1v1h-1zM8 5h1v1h-1zM14 5h1v1h-1zM16 5h1v1h-1zM18 5h1v1h-1zM19 5h1v1h-1zM20 5h1v1h-1zM22 5h1v1h-1zM2 6h1v1h-1zM4 6h1v1h-1zM5 6h1v1h-1zM6 6h1v1h-1zM8 6h1v1h-1zM12 6h1v1h-1zM13 6h1v1h-1zM14 6h1v1h-1zM16 6h1v1h-1zM18 6h1v1h-1zM19 6h1v1h-1zM20 6h1v1h-1zM22 6h1v1h-1zM2 7h1v1h-1zM8 7h1v1h-1zM12 7h1v1h-1zM16 7h1v1h-1zM22 7h1v1h-1zM2 8h1v1h-1zM3 8h1v1h-1zM4 8h1v1h-1zM5 8h1v1h-1zM6 8h1v1h-1zM7 8h1v1h-1zM8 8h1v1h-1zM10 8h1v1h-1zM13 8h1v1h-1zM14 8h1v1h-1zM16 8h1v1h-1zM17 8h1v1h-1zM18 8h1v1h-1zM19 8h1v1h-1zM20 8h1v1h-1zM21 8h1v1h-1zM22 8h1v1h-1zM10 9h1v1h-1zM12 9h1v1h-1zM2 10h1v1h-1zM3 10h1v1h-1zM10 10h1v1h-1zM12 10h1v1h-1zM13 10h1v1h-1zM14 10h1v1h-1zM15 10h1v1h-1zM16 10h1v1h-1zM19 10h1v1h-1zM2 11h1v1h-1zM3 11h1v1h-1zM4 11h1v1h-1zM5 11h1v1h-1zM6 11h1v1h-1zM13 11h1v1h-1zM19 11h1v1h-1zM21 11h1v1h-1zM3 12h1v1h-1zM4 12h1v1h-1zM7 12h1v1h-1zM8 12h1v1h-1zM9 12h1v1h-1zM12 12h1v1h-1zM16 12h1v1h-1zM18 12h1v1h-1zM19 12h1v1h-1zM3 13h1v1h-1zM6 13h1v1h-1zM7 13h1v1h-1zM8 13h1v1h-1zM9 13h1v1h-1zM11 13h1v1h-1zM12 13h1v1h-1zM13 13h1v1h-1zM15 13h1v1h-1zM19 13h1v1h-1zM3 14h1v1h-1zM4 14h1v1h-1zM5 14h1v1h-1zM6 14h1v1h-1zM8 14h1v1h-1zM12 14h1v1h-1zM16 14h1v1h-1zM18 14h1v1h-1zM19 14h1v1h-1zM16 15h1v1h-1zM20 15h1v1h-1zM21 15h1v1h-1zM22 15h1v1h-1zM2 16h1v1h-1zM3 16h1v1h-1zM4 16h1v1h-1zM5 16h1v1h-1zM6 16h1v1h-1zM7 16h1v1h-1zM8 16h1v1h-1zM11 16h1v1h-1zM14 16h1v1h-1zM16 16h1v1h-1zM20 16h1v1h-1zM21 16h1v1h-1zM2 17h1v1h-1zM8 17h1v1h-1zM10 17h1v1h-1zM13 17h1v1h-1zM17 17h1v1h-1zM18 17h1v1h-1zM19 17h1v1h-1zM21 17h1v1h-1zM22 17h1v1h-1zM2 18h1v1h-1zM4 18h1v1h-1zM5 18h1v1h-1zM6 18h1v1h-1zM8 18h1v1h-1zM10 18h1v1h-1zM11 18h1v1h-1zM13 18h1v1h-1zM14 18h1v1h-1zM18 18h1v1h-1zM20 18h1v1h-1zM2 19h1v1h-1zM4 19h1v1h-1zM5 19h1v1h-1zM6 19h1v1h-1zM8 19h1v1h-1zM10 19h1v1h-1zM11 19h1v1h-1zM12 19h1v1h-1zM13 19h1v1h-1zM14 19h1v1h-1zM16 19h1v1h-1zM18 19h1v1h-1zM19 19h1v1h-1zM20 19h1v1h-1zM21 19h1v1h-1zM22 19h1v1h-1zM2 20h1v1h-1zM4 20h1v1h-1zM5 20h1v1h-1zM6 20h1v1h-1zM8 20h1v1h-1zM12 20h1v1h-1zM16 20h1v1h-1zM20 20h1v1h-1zM21 20h1v1h-1zM22 20h1v1h-1zM2 21h1v1h-1zM8 21h1v1h-1zM11 21h1v1h-1zM12 21h1v1h-1zM13 21h1v1h-1zM15 21h1v1h-1zM16 21h1v1h-1zM17 21h1v1h-1zM21 21h1v1h-1zM2 22h1v1h-1zM3 22h1v1h-1zM4 22h1v1h-1zM5 22h1v1h-1zM6 22h1v1h-1zM7 22h1v1h-1zM8 22h1v1h-1zM10 22h1v1h-1zM11 22h1v1h-1zM12 22h1v1h-1zM13 22h1v1h-1zM14 22h1v1h-1zM15 22h1v1h-1zM16 22h1v1h-1zM17 22h1v1h-1z\"/></svg>"
  }
};

export const sampleTick: TickView = {
  "songId": 10,
  "positionUs": 83250000,
  "durationUs": 213000000,
  "isPlaying": true,
  "sync": {
    "state": "in-sync",
    "offsetUs": -1520,
    "uncertaintyUs": 400,
    "rttUs": 2300,
    "errorUs": 120,
    "correction": "none",
    "label": "in sync ±0.4 ms"
  },
  "player": {
    "kind": "youtube",
    "note": null
  }
};

export const sampleDiscovery: DiscoveredRoom[] = [
  {
    "name": "Friday night",
    "hostName": "Ada",
    "code": "K7QM2D",
    "url": "ws://192.168.1.20:7878/ws",
    "hasPassword": false,
    "members": 3
  },
  {
    "name": "Study beats",
    "hostName": "Grace",
    "code": "P4XW9B",
    "url": "ws://192.168.1.31:7878/ws",
    "hasPassword": true,
    "members": 5
  }
];

export const sampleSettings: Settings = {
  "displayName": "Ada",
  "outputDevice": null,
  "defaultPolicy": "host-and-djs",
  "theme": "system",
  "hostPort": 7878,
  "notifyWhenHidden": true,
  "lastAddress": "192.168.1.20:7878",
  "spotifyClientId": "",
  "spotifyDevice": { "kind": "auto" }
};
