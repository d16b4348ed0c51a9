"""GDB's Ctrl-C, byte 0x03, stops a running guest: gdb_interrupt.py GLASS86 SPIN_ROM PORT.

Starts `glass86 --gdb PORT` on a guest that spins forever, speaks the remote protocol
directly (gdb in batch mode cannot press Ctrl-C), continues, interrupts, and expects the
stop reply T02 (SIGINT), then kills the session."""
import socket
import subprocess
import sys
import time


def checksum(data):
    return "%02x" % (sum(data.encode()) & 0xFF)


def send(sock, data):
    sock.sendall(("$%s#%s" % (data, checksum(data))).encode())


def receive(sock):
    """One packet's data; acknowledges it."""
    buf = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed, got %r" % buf)
        buf += chunk
        start = buf.find(b"$")
        end = buf.find(b"#", start)
        if start >= 0 and end >= 0 and len(buf) >= end + 3:
            sock.sendall(b"+")
            return buf[start + 1:end].decode()


def main():
    glass86, rom, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    proc = subprocess.Popen([glass86, "--cpu", "386", "--bios", rom, "--display", "none",
                             "--gdb", str(port)], stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        if "waiting for gdb" not in line:
            raise RuntimeError("glass86 said %r" % line)
        sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        send(sock, "qSupported")
        if "qXfer:features:read+" not in receive(sock):
            raise RuntimeError("qSupported lacks the target description")
        send(sock, "vCont;c")
        time.sleep(0.5)
        sock.sendall(b"\x03")
        reply = receive(sock)
        if not reply.startswith("T02"):
            raise RuntimeError("stop reply %r, expected T02" % reply)
        send(sock, "k")
        sock.close()
        if proc.wait(timeout=20) != 0:
            raise RuntimeError("glass86 exited with %d" % proc.returncode)
        print("interrupted: %s" % reply)
    finally:
        if proc.poll() is None:
            proc.kill()


if __name__ == "__main__":
    main()
