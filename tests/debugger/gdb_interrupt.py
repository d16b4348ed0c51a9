"""GDB's Ctrl-C, byte 0x03, stops a running guest: gdb_interrupt.py GLASS86 SPIN_ROM PORT,
or gdb_interrupt.py GLASS86 - PORT GLASS86-ARGS... for a PC that runs for ever.

Starts `glass86 --gdb PORT` on a guest that spins forever, speaks the remote protocol
directly (gdb in batch mode cannot press Ctrl-C), continues, interrupts, and expects the
stop reply T02 (SIGINT), then kills the session. On a PC it then does it again with a
SIGINT sent to glass86 instead, which must stop the guest, tell gdb, and end glass86
(status 130) with the disks flushed."""
import signal
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
    pc = rom == "-"
    machine = sys.argv[4:] if pc else ["--cpu", "386", "--bios", rom]
    interrupt(glass86, machine, port, sigint=False)
    if pc:
        interrupt(glass86, machine, port, sigint=True)


def connect(proc, port):
    """Waits for glass86 to listen, then connects."""
    while True:
        line = proc.stderr.readline()
        if not line:
            raise RuntimeError("glass86 ended before it listened")
        if "waiting for gdb" in line:
            return socket.create_connection(("127.0.0.1", port), timeout=20)


def interrupt(glass86, machine, port, sigint):
    proc = subprocess.Popen([glass86] + machine + ["--display", "none", "--gdb", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        sock = connect(proc, port)
        send(sock, "qSupported")
        if "qXfer:features:read+" not in receive(sock):
            raise RuntimeError("qSupported lacks the target description")
        send(sock, "vCont;c")
        time.sleep(0.5)
        if sigint:
            proc.send_signal(signal.SIGINT)
        else:
            sock.sendall(b"\x03")
        reply = receive(sock)
        if not reply.startswith("T02"):
            raise RuntimeError("stop reply %r, expected T02" % reply)
        if not sigint:
            send(sock, "k")
        want, said = (130, "interrupted; disk writes flushed") if sigint else (0, None)
        if proc.wait(timeout=20) != want:
            raise RuntimeError("glass86 exited with %d, expected %d" % (proc.returncode, want))
        rest = proc.stderr.read()
        sock.close()
        if said and said not in rest:
            raise RuntimeError("glass86 did not say %r: %r" % (said, rest))
        print("%s: %s" % ("SIGINT" if sigint else "0x03", reply))
    finally:
        if proc.poll() is None:
            proc.kill()


if __name__ == "__main__":
    main()
