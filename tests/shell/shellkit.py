"""Helpers for the shell-integration tests: a temporary store with a few machines, a fake TLS Docker daemon,
real interactive bash / zsh / fish sessions driven through tmux (each on its own tmux socket), fish's
`complete -C`, and the normalisation of candidates across shells."""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest


REPO = Path(__file__).resolve().parents[2]
CONTRIB = REPO / "contrib" / "completion"
BASH_COMPLETION = CONTRIB / "bash" / "docker-machine.bash"
BASH_PROMPT = CONTRIB / "bash" / "docker-machine-prompt.bash"
BASH_WRAPPER = CONTRIB / "bash" / "docker-machine-wrapper.bash"
ZSH_COMPLETION_DIR = CONTRIB / "zsh"
FISH_COMPLETION = CONTRIB / "fish" / "docker-machine.fish"
FISH_FUNCTIONS = CONTRIB / "fish" / "functions"
BINARY = Path(os.environ.get("DOCKER_MACHINE_BIN", REPO / "build" / "docker-machine")).resolve()
HERE = Path(__file__).resolve().parent

RUNNING = ["dev", "m1", "m2", "sw1"]
STOPPED = ["off1"]
MACHINES = sorted(RUNNING + STOPPED)
COMMANDS = ["active", "config", "create", "env", "inspect", "ip", "kill", "ls", "provision", "regenerate-certs",
            "restart", "rm", "ssh", "scp", "mount", "start", "status", "stop", "upgrade", "url", "version", "help"]
# Beyond upstream: completed, but not listed by `docker-machine --help` (docs/compatibility.md).
EXTRA_COMMANDS = ["context", "export", "import"]
UPSTREAM_DRIVERS = ["amazonec2", "azure", "digitalocean", "exoscale", "generic", "google", "hyperv", "openstack",
                    "rackspace", "softlayer", "virtualbox", "vmwarefusion", "vmwarevcloudair", "vmwarevsphere"]
SHELLS = ["bash", "cmd", "emacs", "fish", "powershell", "sh", "tcsh", "zsh"]


def need(*tools):
    """Skips a test when one of the tools is not installed."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    return pytest.mark.skipif(bool(missing), reason=f"not installed: {' '.join(missing)}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class World:
    """A store with machines dev, m1, m2, sw1 (none driver, Running; m1 reaches the fake daemon, sw1 is a
    swarm master) and off1 (generic driver whose SSH port is closed: Stopped)."""

    def __init__(self, root: Path):
        self.root = root
        self.store = root / "store"
        self.store2 = root / "store2"
        self.home = root / "home"
        self.bin = root / "bin"
        self.files = root / "files"
        self.home.mkdir()
        self.bin.mkdir()
        # a private copy: the binary under test may be rebuilt while the tests run
        shutil.copy2(BINARY, self.bin / "docker-machine")
        # a third-party driver plugin on PATH: offered as a driver name
        plugin = self.bin / "docker-machine-driver-fakecloud"
        plugin.write_text("#!/bin/sh\nexit 1\n")
        plugin.chmod(0o755)
        # files for path completion: alpha.txt, alpine/, beta.pem
        (self.files / "alpine").mkdir(parents=True)
        (self.files / "alpha.txt").write_text("a\n")
        (self.files / "beta.pem").write_text("b\n")
        self.env = {
            "PATH": f"{self.bin}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "USER": os.environ.get("USER", "root"),
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
            "MACHINE_STORAGE_PATH": str(self.store),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_RUNTIME_DIR": str(root),
        }
        self.dockerd = None
        self.port = None

    def dm(self, *args, check=True, env=None):
        result = subprocess.run(["docker-machine", *args], capture_output=True, text=True, timeout=120,
                                env={**self.env, **(env or {})})
        if check:
            assert result.returncode == 0, result
        return result

    def start_dockerd(self):
        self.dockerd = subprocess.Popen(
            ["/usr/bin/python3", str(HERE / "fake_dockerd.py"), str(self.store / "certs"), str(self.root / "dockerd")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        line = self.dockerd.stdout.readline()
        assert line.startswith("PORT "), (line, self.dockerd.stderr.read())
        self.port = int(line.split()[1])

    def build(self):
        closed = free_port()
        self.dm("create", "-d", "none", "--url", f"tcp://127.0.0.1:{closed}", "dev")  # also makes the CA
        self.start_dockerd()
        self.dm("create", "-d", "none", "--url", f"tcp://127.0.0.1:{self.port}", "m1")
        # what provisioning would have done: the client certificates in the machine's directory
        for name in ("ca.pem", "cert.pem", "key.pem"):
            shutil.copy(self.store / "certs" / name, self.store / "machines" / "m1" / name)
        self.dm("create", "-d", "none", "--url", f"tcp://127.0.0.1:{closed}", "m2")
        self.dm("create", "-d", "none", "--url", f"tcp://127.0.0.1:{closed}", "--swarm", "--swarm-master",
                "--swarm-discovery", "token://abc", "sw1")
        # a generic machine whose SSH port is closed is reported Stopped
        config = json.loads((self.store / "machines" / "m2" / "config.json").read_text())
        config["Name"] = "off1"
        config["DriverName"] = "generic"
        config["Driver"] = {"IPAddress": "127.0.0.1", "MachineName": "off1", "SSHUser": "root", "SSHPort": closed,
                            "SSHKeyPath": "", "StorePath": str(self.store), "SwarmMaster": False, "SwarmHost": "",
                            "SwarmDiscovery": "", "EnginePort": 2376, "SSHKey": ""}
        (self.store / "machines" / "off1").mkdir()
        (self.store / "machines" / "off1" / "config.json").write_text(json.dumps(config, indent=4))
        assert self.dm("ls", "-q").stdout.split() == MACHINES
        # another store, for --storage-path given on the command line
        self.dm("create", "-d", "none", "--url", f"tcp://127.0.0.1:{closed}", "other1",
                env={"MACHINE_STORAGE_PATH": str(self.store2)})
        (self.home / "st2").symlink_to(self.store2)  # for `-s ~/st2`
        assert self.dm("ls", "-q", "--filter", "state=Stopped").stdout.split() == STOPPED

    def make_slow_store(self, store: Path, count: int) -> Path:
        """A store of COUNT generic machines at unreachable addresses (TEST-NET-1): asking any of them for its
        state takes a connection timeout, listing their names must not."""
        template = json.loads((self.store / "machines" / "off1" / "config.json").read_text())
        for i in range(count):
            name = f"slow{i:03d}"
            config = json.loads(json.dumps(template))
            config["Name"] = name
            config["Driver"].update({"IPAddress": f"192.0.2.{i % 250 + 1}", "MachineName": name, "SSHPort": 22,
                                     "StorePath": str(store)})
            (store / "machines" / name).mkdir(parents=True)
            (store / "machines" / name / "config.json").write_text(json.dumps(config, indent=4))
        shutil.copytree(self.store / "certs", store / "certs")
        return store

    def close(self):
        if self.dockerd:
            os.killpg(self.dockerd.pid, signal.SIGTERM)
            self.dockerd.wait(timeout=10)


class TmuxShell:
    """One interactive shell in a tmux server of its own (socket in the test's directory)."""

    STATUS = {"bash": "$?", "zsh": "$?", "fish": "$status"}

    def __init__(self, kind, argv, env, workdir: Path, cwd, width=220, height=50):
        self.kind = kind
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.socket = str(self.dir / "tmux.sock")
        self.env = env
        self.serial = 0
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", str(width), "-y", str(height), "-s", "t", "-c",
                  str(cwd), *argv)
        self.tmux("set-option", "-g", "history-limit", "5000")
        self.run("true", timeout=20)  # the shell is up and has read its configuration

    def tmux(self, *args):
        return subprocess.run(["tmux", "-S", self.socket, *args], env=self.env, capture_output=True, text=True,
                              check=True, timeout=30).stdout

    def type(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "t", *keys)

    def pane(self):
        """The visible screen, without trailing blank lines."""
        return self.tmux("capture-pane", "-p", "-t", "t").rstrip("\n")

    def wait_file(self, path: Path, timeout=15):
        deadline = time.monotonic() + timeout
        while not path.exists():
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.kind}: timed out waiting for {path.name}; screen:\n{self.pane()}")
            time.sleep(0.02)

    def wait_screen(self, predicate, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            screen = self.pane()
            if predicate(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.kind}: screen never matched; screen:\n{screen}")
            time.sleep(0.05)

    def run(self, command, timeout=30):
        """Runs a command line in the shell; returns (exit status, stdout+stderr)."""
        self.serial += 1
        out = self.dir / f"out.{self.serial}"
        rc = self.dir / f"rc.{self.serial}"
        self.keys("C-u")
        self.type(f"{command} >{out} 2>&1; echo {self.STATUS[self.kind]} >{rc}.tmp; mv {rc}.tmp {rc}")
        self.keys("Enter")
        self.wait_file(rc, timeout)
        return int(rc.read_text().strip()), out.read_text()

    def run_visible(self, command):
        """Runs a command with its output on the screen (so it goes through the terminal), waits for the end."""
        self.serial += 1
        rc = self.dir / f"rc.{self.serial}"
        self.keys("C-u")
        self.type(f"{command}; echo {self.STATUS[self.kind]} >{rc}.tmp; mv {rc}.tmp {rc}")
        self.keys("Enter")
        self.wait_file(rc)
        return int(rc.read_text().strip())

    def complete(self, line):
        """Types LINE, presses TAB once, and returns the candidates the completion function produced (the shell's
        set-up writes them to $DM_DUMP) and the screen right after."""
        dump = Path(self.env["DM_DUMP"])
        if dump.exists():
            dump.unlink()
        self.keys("C-u")
        self.type(line)
        self.keys("Tab")
        self.wait_file(dump)
        time.sleep(0.05)
        screen = self.pane()
        words = [w for w in dump.read_text().split("\n") if w]
        self.keys("C-c")
        self.run("true")
        return words, screen

    PROMPTS = {"bash": "$ ", "zsh": "% ", "fish": "> "}

    def line_after_tab(self, line):
        """Types LINE, one TAB, then a `#`: returns the command line as the shell shows it (without the prompt
        and the `#`), so what the completion inserted, including a trailing space or not, is visible."""
        prompt = self.PROMPTS[self.kind] + "docker-machine"
        self.keys("C-u")
        self.keys("C-l")
        self.type(line)
        self.keys("Tab")
        self.type("#")

        def shown(screen):
            found = [text for text in screen.splitlines() if text.startswith(prompt) and text.rstrip().endswith("#")]
            return found[-1] if found else None

        try:
            text = shown(self.wait_screen(shown))
        finally:
            self.keys("C-c")
            self.run("true")
        return text.rstrip()[len(self.PROMPTS[self.kind]):-1]

    def screen_after_tabs(self, line, predicate, tabs=2):
        """Types LINE, presses TAB `tabs` times, waits until the screen satisfies PREDICATE and returns it; the
        line is cancelled afterwards."""
        self.keys("C-u")
        self.type(line)
        for _ in range(tabs):
            time.sleep(0.3)
            self.keys("Tab")
        try:
            return self.wait_screen(predicate)
        finally:
            self.keys("C-c")
            self.run("true")

    def close(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], env=self.env, capture_output=True, timeout=30)


def shell_env(world, workdir: Path, shell_path, extra=None):
    env = dict(world.env)
    env["SHELL"] = shell_path
    env["DM_DUMP"] = str(workdir / "dump")
    env.update(extra or {})
    return env


BASH_RC = """
PS1='$ '
PROMPT_COMMAND=
HISTFILE=/dev/null
{load}
source {prompt}
source {wrapper}
# Record what bash's real completion call produced: _docker_machine runs with bash's own COMP_WORDS,
# COMP_CWORD, COMP_LINE and COMP_POINT, and COMPREPLY is dumped before readline uses it.
_dm_capture() {{
    _docker_machine "$@"
    local status=$?
    printf '%s\\n' "${{COMPREPLY[@]}}" >"$DM_DUMP.tmp"
    mv "$DM_DUMP.tmp" "$DM_DUMP"
    return $status
}}
complete -F _dm_capture docker-machine
"""


def start_bash(world, workdir: Path, with_bash_completion=False, capture=True, extra_env=None, extra_rc=""):
    workdir.mkdir(parents=True, exist_ok=True)
    if with_bash_completion:
        # the documented per-user install: bash-completion loads the file on first use
        target = Path(world.env["XDG_DATA_HOME"]) / "bash-completion" / "completions"
        target.mkdir(parents=True, exist_ok=True)
        if not (target / "docker-machine").exists():
            shutil.copy(BASH_COMPLETION, target / "docker-machine")
        load = "source /usr/share/bash-completion/bash_completion"
    else:
        load = f"source {BASH_COMPLETION}"
    rc = BASH_RC.format(load=load, prompt=BASH_PROMPT, wrapper=BASH_WRAPPER)
    if not capture:
        rc = rc.split("# Record what")[0]
    (workdir / "bashrc").write_text(rc + extra_rc)
    env = shell_env(world, workdir, "/bin/bash", extra_env)
    return TmuxShell("bash", ["/bin/bash", "--noprofile", "--rcfile", str(workdir / "bashrc"), "-i"], env, workdir,
                     world.home)


ZSH_RC = """
PS1='%% '
unsetopt BEEP
HISTFILE=
fpath=({zsh_dir} $fpath)
autoload -Uz compinit && compinit -u -d $ZDOTDIR/.zcompdump
source {prompt}
source {wrapper}
# Record the candidates the completion system adds: every compadd that adds matches is replayed with -O
# (which only computes the matches that fit the word being completed) and those are appended to _dm_hits.
typeset -ga _dm_hits
compadd() {{
    if (( ${{@[(I)-[ODA]]}} )); then
        builtin compadd "$@"
        return
    fi
    local -a _dm_found
    builtin compadd -O _dm_found "$@"
    _dm_hits+=($_dm_found)
    builtin compadd "$@"
}}
_dm_capture() {{
    _dm_hits=()
    zle complete-word
    print -rl -- $_dm_hits >"$DM_DUMP.tmp"
    mv "$DM_DUMP.tmp" "$DM_DUMP"
}}
zle -N _dm_capture
bindkey '^I' _dm_capture
"""


def start_zsh(world, workdir: Path, capture=True, extra_env=None, extra_rc=""):
    workdir.mkdir(parents=True, exist_ok=True)
    rc = ZSH_RC.format(zsh_dir=ZSH_COMPLETION_DIR, prompt=BASH_PROMPT, wrapper=BASH_WRAPPER)
    if not capture:
        rc = rc.split("# Record the")[0]
    (workdir / ".zshrc").write_text(rc + extra_rc)
    env = shell_env(world, workdir, "/usr/bin/zsh", {"ZDOTDIR": str(workdir), **(extra_env or {})})
    return TmuxShell("zsh", ["/usr/bin/zsh", "-i"], env, workdir, world.home)


def install_fish(world):
    """The documented per-user install: completion and functions in ~/.config/fish."""
    config = Path(world.env["XDG_CONFIG_HOME"]) / "fish"
    (config / "completions").mkdir(parents=True, exist_ok=True)
    (config / "functions").mkdir(parents=True, exist_ok=True)
    shutil.copy(FISH_COMPLETION, config / "completions" / "docker-machine.fish")
    for function in FISH_FUNCTIONS.glob("*.fish"):
        shutil.copy(function, config / "functions" / function.name)
    (config / "config.fish").write_text("set -g fish_greeting ''\n"
                                        "function fish_prompt; printf '%s> ' (__docker_machine_ps1 '[%s]'); end\n"
                                        "function fish_right_prompt; end\n")


def start_fish(world, workdir: Path, extra_env=None):
    workdir.mkdir(parents=True, exist_ok=True)
    install_fish(world)
    env = shell_env(world, workdir, "/usr/bin/fish", extra_env)
    return TmuxShell("fish", ["/usr/bin/fish", "-i"], env, workdir, world.home)


def fish_complete(world, line, extra_env=None):
    """fish's own completion engine (`complete -C`), with the script installed as documented; returns the
    candidate words (descriptions dropped)."""
    install_fish(world)
    env = {**world.env, "SHELL": "/usr/bin/fish", **(extra_env or {})}
    result = subprocess.run(["fish", "-c", 'complete -C"$argv[1]"', line], capture_output=True, text=True,
                            env=env, timeout=60, cwd=world.home)
    assert result.returncode == 0, result
    return [entry.split("\t")[0] for entry in result.stdout.splitlines() if entry]


def bare(word: str, files=False) -> str:
    """A candidate without what shells differ in: the `=`-prefix (`--driver=generic`, `state=Running` ->
    `generic`, `Running`: bash and zsh only hand back the part after the last `=`), the `:`/`=`/`/` suffix
    (zsh adds `m1:`'s colon as a suffix of its own), and for files the directory part."""
    word = word.rstrip("/")
    if word.endswith((":", "=")):
        word = word[:-1]
    word = word.rsplit("=", 1)[-1]
    if files:
        word = word.rsplit("/", 1)[-1]
    return word


GLOBAL_FLAGS = {"--debug", "-D", "--storage-path", "-s", "--tls-ca-cert", "--tls-ca-key", "--tls-client-cert",
                "--tls-client-key", "--github-api-token", "--native-ssh", "--bugsnag-api-token", "--help", "-h",
                "--version", "-v"}
HELP = {"--help", "-h"}
STATES = {"Error", "Paused", "Running", "Saved", "Starting", "Stopped", "Stopping"}
WRAPPED_COMMANDS = set(COMMANDS) | set(EXTRA_COMMANDS) | {"use"}
# bash and fish offer upstream's bash list (no `none`) plus plugins on PATH; zsh, like upstream's zsh, adds none
DRIVERS = {"bash": set(UPSTREAM_DRIVERS) | {"fakecloud"}, "fish": set(UPSTREAM_DRIVERS) | {"fakecloud"},
           "zsh": set(UPSTREAM_DRIVERS) | {"fakecloud", "none"}}

# (id, command line typed before TAB, expected candidates (bare, see bare()), compare file names only)
# {files}: a directory holding alpha.txt, alpine/ and beta.pem; {store2}: a store holding only `other1`.
CASES = [
    ("commands", "docker-machine ", WRAPPED_COMMANDS, False),
    ("command-prefix", "docker-machine re", {"regenerate-certs", "restart"}, False),
    ("global-flags", "docker-machine -", GLOBAL_FLAGS, False),
    ("command-after-global-switches", "docker-machine --debug --native-ssh ve", {"version"}, False),
    ("command-after-storage-path", "docker-machine -s {store2} ve", {"version"}, False),
    ("storage-path-directories", "docker-machine --storage-path {files}/al", {"alpine"}, True),
    ("storage-path-equals-directories", "docker-machine --storage-path={files}/al", {"alpine"}, True),
    ("tls-cert-files", "docker-machine --tls-ca-cert {files}/be", {"beta.pem"}, True),
    ("env-machines", "docker-machine env ", set(MACHINES), False),
    ("env-machine-prefix", "docker-machine env m", {"m1", "m2"}, False),
    # zsh offers the options where no argument can follow, as it does for every command
    ("env-takes-one-machine", "docker-machine env m1 ",
     {"bash": set(), "fish": set(), "zsh": {"--swarm", "--shell", "--unset", "-u", "--no-proxy"} | HELP}, False),
    ("env-flags", "docker-machine env -", {"--swarm", "--shell", "--unset", "-u", "--no-proxy"} | HELP, False),
    ("env-shell-values", "docker-machine env --shell ", set(SHELLS), False),
    ("env-shell-equals", "docker-machine env --shell=f", {"fish"}, False),
    ("env-machine-after-shell", "docker-machine env --shell fish ", set(MACHINES), False),
    ("use-machines", "docker-machine use ", set(MACHINES), False),
    ("use-flags-without-shell", "docker-machine use -", {"--swarm", "--unset", "-u", "--no-proxy"} | HELP, False),
    ("storage-path-passed-on", "docker-machine -s {store2} env ", {"other1"}, False),
    ("storage-path-equals-passed-on", "docker-machine --storage-path={store2} rm ", {"other1"}, False),
    ("storage-path-tilde-passed-on", "docker-machine -s ~/st2 stop ", {"other1"}, False),
    ("create-drivers", "docker-machine create -d ", DRIVERS, False),
    ("create-driver-equals", "docker-machine create --driver=gen", {"generic"}, False),
    ("create-driver-plugin", "docker-machine create --driver fake", {"fakecloud"}, False),
    ("create-generic-flags", "docker-machine create -d generic --generic-",
     {"--generic-engine-port", "--generic-ip-address", "--generic-ssh-key", "--generic-ssh-port",
      "--generic-ssh-user"}, False),
    ("create-driver-equals-flags", "docker-machine create --driver=generic --generic-ssh-u", {"--generic-ssh-user"},
     False),
    ("create-none-flags", "docker-machine create -d none --ur", {"--url"}, False),
    ("create-shared-flags", "docker-machine create --engine-i", {"--engine-insecure-registry",
                                                                 "--engine-install-url"}, False),
    ("create-swarm-flags", "docker-machine create --swarm-", {"--swarm-addr", "--swarm-discovery",
                                                              "--swarm-experimental", "--swarm-host",
                                                              "--swarm-image", "--swarm-join-opt",
                                                              "--swarm-master", "--swarm-opt", "--swarm-standalone",
                                                              "--swarm-strategy"}, False),
    ("create-storage-drivers", "docker-machine create --engine-storage-driver ",
     {"aufs", "btrfs", "devicemapper", "overlay", "overlay2", "vfs", "zfs"}, False),
    ("create-swarm-strategies", "docker-machine create --swarm-strategy ", {"binpack", "random", "spread"}, False),
    ("create-ssh-key-file", "docker-machine create -d generic --generic-ssh-key {files}/b", {"beta.pem"}, True),
    ("create-new-name-not-completed", "docker-machine create -d generic ", set(), False),
    ("ls-flags", "docker-machine ls -", {"--quiet", "-q", "--filter", "--timeout", "-t", "--format", "-f"} | HELP,
     False),
    ("ls-filter-keys", "docker-machine ls --filter ", {"driver", "label", "name", "state", "swarm"}, False),
    ("ls-filter-states", "docker-machine ls --filter state=", STATES, False),
    ("ls-filter-state-prefix", "docker-machine ls --filter state=R", {"Running"}, False),
    ("ls-filter-equals-driver", "docker-machine ls --filter=driver=gen", {"generic"}, False),
    ("ls-filter-names", "docker-machine ls --filter name=m", {"m1", "m2"}, False),
    ("ls-no-arguments", "docker-machine ls ",
     {"bash": set(), "fish": set(),
      "zsh": {"--quiet", "-q", "--filter", "--timeout", "-t", "--format", "-f"} | HELP}, False),
    ("start-stopped-machines", "docker-machine start ", set(STOPPED), False),
    ("stop-running-machines", "docker-machine stop ", set(RUNNING), False),
    ("provision-running-machines", "docker-machine provision ", set(RUNNING), False),
    ("regenerate-certs-running-machines", "docker-machine regenerate-certs ", set(RUNNING), False),
    ("regenerate-certs-flags", "docker-machine regenerate-certs -",
     {"--force", "-f", "--client-certs", "--certs-only", "--renew-ca"} | HELP, False),
    ("kill-all-machines", "docker-machine kill ", set(MACHINES), False),
    ("rm-no-machine-twice", "docker-machine rm m1 ", set(MACHINES) - {"m1"}, False),
    ("rm-after-flag", "docker-machine rm -f m1 d", {"dev"}, False),
    ("rm-flags", "docker-machine rm -", {"--force", "-f", "-y"} | HELP, False),
    ("ssh-machines", "docker-machine ssh ", set(MACHINES), False),
    ("ssh-remote-command", "docker-machine ssh m1 ", set(), False),
    ("inspect-flags", "docker-machine inspect -", {"--format", "-f", "--state"} | HELP, False),
    ("context-actions", "docker-machine context ", {"create", "rm"}, False),
    ("context-machines", "docker-machine context create m1 ", set(MACHINES) - {"m1"}, False),
    ("export-machines", "docker-machine export ", set(MACHINES), False),
    ("export-archive-file", "docker-machine export m1 {files}/be", {"beta.pem"}, True),
    ("export-flags", "docker-machine export -", {"--ca-key"} | HELP, False),
    ("import-archive-file", "docker-machine import {files}/al", {"alpha.txt", "alpine"}, True),
    ("status-flags", "docker-machine status -", HELP, False),
    ("active-flags", "docker-machine active -", {"--timeout", "-t"} | HELP, False),
    ("config-flags", "docker-machine config -", {"--swarm"} | HELP, False),
    ("scp-machines", "docker-machine scp m", {"m1", "m2"}, False),
    ("scp-remote-path", "docker-machine scp m1:", set(), False),
    ("scp-local-files", "docker-machine scp {files}/al", {"alpha.txt", "alpine"}, True),
    ("scp-flags", "docker-machine scp -", {"--recursive", "-r", "--delta", "-d", "--quiet", "-q"} | HELP, False),
    ("mount-running-machines", "docker-machine mount ", set(RUNNING), False),
    ("mount-directories", "docker-machine mount m1: {files}/al", {"alpine"}, True),
    ("mount-flags", "docker-machine mount -", {"--unmount", "-u"} | HELP, False),
    ("help-commands", "docker-machine help ", WRAPPED_COMMANDS, False),
]


def case_params():
    return [pytest.param(line, expected, files, id=name) for name, line, expected, files in CASES]


def expand(world, line):
    return line.format(files=world.files, store2=world.store2)


def expected_for(kind, expected):
    return expected[kind] if isinstance(expected, dict) else expected
