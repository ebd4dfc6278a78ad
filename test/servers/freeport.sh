#!/usr/bin/env bash
# Prints a TCP port that is free on 127.0.0.1 now. DynamoDB Local cannot
# pick one itself (-port 0 does not work), so both servers get theirs here.
set -euo pipefail
python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
