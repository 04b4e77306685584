"""Offline checks of Dockerfile and docker-compose.yml (no Docker engine runs here).

Verifies that docker-compose accepts the compose file; that every path the two files
name exists in the repository (or is a binary the build produced); that ports and
environment variables agree with config/demo.yaml, the entrypoint and SPEC; that the
image's build steps are exactly the scripts the native path and CI run; and that the
runtime stage installs every shared library the built binaries load.

Usage: deploy_files_test.py SOURCE_DIR BINARY_DIR   (run by ctest, label e2e)
"""

import os
import re
import shlex
import subprocess
import sys
import unittest

import yaml

SOURCE_DIR = ""
BINARY_DIR = ""
BINARIES = ["floodgate", "floodgate-dashboard", "floodgate-demo-backend"]
# Packages of debian:12-slim itself (Priority: required), present without installing.
BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1", "liblzma5",
                 "libselinux1", "libpcre2-8-0", "libcrypt1"}
# Set for the entrypoint or the HEALTHCHECK, not substituted into routes.yaml.
IMAGE_ONLY_VARS = {"FLOODGATE_CONFIG", "FLOODGATE_HEALTH_URL", "FLOODGATE_BACKEND_LISTEN"}


def repo_path(rel):
    return os.path.join(SOURCE_DIR, rel)


def read(rel):
    with open(repo_path(rel), encoding="utf-8") as f:
        return f.read()


def dockerfile_instructions():
    """(stage, INSTRUCTION, arguments) per instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", read("Dockerfile"))
    stage, out = None, []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "FROM":
            stage = rest.split()[-1]
        out.append((stage, word, rest.strip()))
    return out


def compose_config():
    """docker-compose's own normalized view of the file (validates it too)."""
    result = subprocess.run(["docker-compose", "-f", repo_path("docker-compose.yml"), "config"],
                            capture_output=True, text=True, cwd=SOURCE_DIR, check=False)
    if result.returncode != 0:
        raise AssertionError("docker-compose config rejected the file:\n" + result.stderr)
    return yaml.safe_load(result.stdout)


def published(service):
    """Published ports as "host_ip:host:container" strings, without the /tcp suffix."""
    return [str(p).removesuffix("/tcp") for p in service.get("ports", [])]


def config_vars(rel):
    """{VAR: default or None} for every ${VAR} / ${VAR:-default} in a config file."""
    found = {}
    for name, default in re.findall(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}", read(rel)):
        found[name] = default or None
    return found


class ComposeFile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.config = compose_config()
        cls.services = cls.config["services"]

    def test_services_of_the_stack_are_all_there(self):
        self.assertEqual(set(self.services),
                         {"redis", "postgres", "backend", "gateway-1", "gateway-2", "dashboard"})

    def test_paths_named_exist(self):
        for name, svc in self.services.items():
            build = svc.get("build")
            if build:
                context = build["context"]
                self.assertTrue(os.path.isfile(os.path.join(context, "Dockerfile")), name)
                self.assertEqual(os.path.realpath(context), os.path.realpath(SOURCE_DIR), name)
            for volume in svc.get("volumes", []):
                source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source")
                if source.startswith("/") or source.startswith("."):
                    self.assertTrue(os.path.exists(source), f"{name}: {source} missing")

    def test_schema_applied_on_first_start_and_data_on_a_named_volume(self):
        volumes = self.services["postgres"]["volumes"]
        targets = {v.split(":")[1] if isinstance(v, str) else v["target"]: v for v in volumes}
        self.assertIn("/docker-entrypoint-initdb.d/10-schema.sql", targets)
        data = targets["/var/lib/postgresql/data"]
        source = data.split(":")[0] if isinstance(data, str) else data["source"]
        self.assertIn(source, self.config.get("volumes", {}))

    def test_two_gateways_share_redis_on_their_own_ports(self):
        seen_ports, ids = set(), set()
        for name in ("gateway-1", "gateway-2"):
            env = self.services[name]["environment"]
            self.assertEqual(env["FLOODGATE_REDIS_URL"], "redis://redis:6379/0")
            port = env["FLOODGATE_LISTEN"].rsplit(":", 1)[1]
            self.assertEqual(published(self.services[name]), [f"127.0.0.1:{port}:{port}"])
            self.assertIn(port, env["FLOODGATE_HEALTH_URL"])
            seen_ports.add(port)
            ids.add(env["FLOODGATE_GATEWAY_ID"])
        self.assertEqual(seen_ports, {"8000", "8001"})
        self.assertEqual(ids, {"gw-1", "gw-2"})

    def test_dashboard_on_8080_as_spec_says(self):
        env = self.services["dashboard"]["environment"]
        self.assertTrue(env["FLOODGATE_DASHBOARD_LISTEN"].endswith(":8080"))
        self.assertEqual(published(self.services["dashboard"]), ["127.0.0.1:8080:8080"])
        self.assertIn("8080", env["FLOODGATE_HEALTH_URL"])

    def test_backend_address_matches_the_backend_service(self):
        listen = self.services["backend"]["environment"]["FLOODGATE_BACKEND_LISTEN"]
        port = listen.rsplit(":", 1)[1]
        for name in ("gateway-1", "gateway-2"):
            self.assertEqual(self.services[name]["environment"]["FLOODGATE_BACKEND"],
                             f"backend:{port}")

    def test_environment_matches_the_config_file(self):
        wanted = config_vars("config/demo.yaml")
        for name in ("gateway-1", "gateway-2", "dashboard"):
            env = self.services[name]["environment"]
            for var in env:
                if var in IMAGE_ONLY_VARS:
                    continue
                self.assertIn(var, wanted, f"{name} sets {var}, which config/demo.yaml never uses")
            for var in ("FLOODGATE_REDIS_URL", "FLOODGATE_POSTGRES"):
                self.assertIn(var, env, f"{name} must point {var} at the compose service")
        # Every placeholder the image's config has is either set per service or defaulted.
        for var, default in wanted.items():
            if default is None:
                for name in ("gateway-1", "gateway-2", "dashboard"):
                    self.assertIn(var, self.services[name]["environment"], f"{name}: {var}")

    def test_postgres_dsn_matches_the_database_compose_creates(self):
        pg = self.services["postgres"]["environment"]
        dsn = (f"postgresql://{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}"
               f"@postgres:5432/{pg['POSTGRES_DB']}")
        for name in ("gateway-1", "gateway-2", "dashboard"):
            self.assertEqual(self.services[name]["environment"]["FLOODGATE_POSTGRES"], dsn)

    def test_startup_waits_for_health(self):
        for name in ("gateway-1", "gateway-2"):
            deps = self.services[name]["depends_on"]
            for dep in ("redis", "postgres", "backend"):
                self.assertEqual(deps[dep]["condition"], "service_healthy", f"{name} -> {dep}")
        self.assertEqual(self.services["dashboard"]["depends_on"]["postgres"]["condition"],
                         "service_healthy")
        for dep in ("redis", "postgres"):
            self.assertIn("healthcheck", self.services[dep])

    def test_commands_are_entrypoint_modes(self):
        entrypoint = read("scripts/docker-entrypoint.sh")
        for name in ("backend", "gateway-1", "gateway-2", "dashboard"):
            mode = self.services[name]["command"][0]
            self.assertRegex(entrypoint, rf"\n\s*{re.escape(mode)}\)", f"{name}: {mode}")

    def test_ports_published_on_loopback_only(self):
        for name, svc in self.services.items():
            for port in published(svc):
                self.assertTrue(port.startswith("127.0.0.1:"), f"{name}: {port}")


class Dockerfile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.instructions = dockerfile_instructions()

    def of(self, stage, word):
        return [args for s, w, args in self.instructions if s == stage and w == word]

    def test_multi_stage_on_debian_12(self):
        froms = [args for _, w, args in self.instructions if w == "FROM"]
        self.assertEqual(len(froms), 2)
        self.assertTrue(all(f.startswith("debian:12") for f in froms), froms)

    def test_build_steps_are_exactly_the_native_scripts(self):
        self.assertEqual(self.of("build", "RUN"),
                         ["scripts/install-deps.sh --build-only", "scripts/build.sh"])
        # ...which are what CI runs: .ci/run -> run-tests.sh -> install-deps.sh + build.sh.
        self.assertIn("scripts/run-tests.sh", read(".ci/run"))
        run_tests = read("scripts/run-tests.sh")
        self.assertIn("scripts/install-deps.sh", run_tests)
        self.assertIn("scripts/build.sh", run_tests)
        self.assertIn("cmake -S . -B \"$build_dir\" -DCMAKE_BUILD_TYPE=Release", read("scripts/build.sh"))

    def test_copied_paths_exist(self):
        for stage, word, args in self.instructions:
            if word != "COPY":
                continue
            parts = [p for p in shlex.split(args) if not p.startswith("--")]
            for source in parts[:-1]:
                if source == ".":
                    continue
                rel = source.removeprefix("/src/")
                if rel.startswith("build/bin/"):
                    # A build output: the same CMake build must have produced it.
                    exe = os.path.join(BINARY_DIR, "bin", os.path.basename(rel))
                    self.assertTrue(os.access(exe, os.X_OK), f"{exe} was not built")
                    self.assertIn(os.path.basename(rel), BINARIES)
                else:
                    self.assertTrue(os.path.exists(repo_path(rel)), f"COPY {source}: missing")
        copied = " ".join(args for _, w, args in self.instructions if w == "COPY")
        for exe in BINARIES:
            self.assertIn(f"build/bin/{exe}", copied)
        self.assertIn("schema/schema.sql", copied)

    def test_runtime_runs_as_non_root_with_a_healthcheck(self):
        users = self.of("runtime", "USER")
        self.assertTrue(users and users[-1] not in ("root", "0"), users)
        checks = self.of("runtime", "HEALTHCHECK")
        self.assertEqual(len(checks), 1)
        # The entrypoint picks the URL by what the container runs: a fixed gateway URL in the
        # image made `docker run floodgate dashboard` unhealthy.
        self.assertIn('"/usr/local/bin/floodgate-entrypoint", "healthcheck"', checks[0])
        env = " ".join(self.of("runtime", "ENV"))
        self.assertNotIn("FLOODGATE_HEALTH_URL", env)
        self.assertIn("FLOODGATE_LISTEN=0.0.0.0:8000", env)
        self.assertIn("FLOODGATE_DASHBOARD_LISTEN=0.0.0.0:8080", env)

    def test_healthcheck_url_follows_the_command(self):
        image_env = {"FLOODGATE_LISTEN": "0.0.0.0:8000", "FLOODGATE_DASHBOARD_LISTEN": "0.0.0.0:8080",
                     "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

        def url(mode, **extra):
            out = subprocess.run(["sh", repo_path("scripts/docker-entrypoint.sh"), "health-url", mode],
                                 env={**image_env, **extra}, check=True, capture_output=True,
                                 text=True)
            return out.stdout.strip()

        self.assertEqual(url("gateway"), "http://127.0.0.1:8000/health")
        self.assertEqual(url("dashboard"), "http://127.0.0.1:8080/health")
        self.assertEqual(url("demo-backend"), "http://127.0.0.1:9001/health")
        self.assertEqual(url("gateway", FLOODGATE_LISTEN="0.0.0.0:8001"),
                         "http://127.0.0.1:8001/health")
        self.assertEqual(url("dashboard", FLOODGATE_DASHBOARD_LISTEN="[::]:9090"),
                         "http://127.0.0.1:9090/health")
        self.assertEqual(url("dashboard", FLOODGATE_HEALTH_URL="http://127.0.0.1:7/health"),
                         "http://127.0.0.1:7/health")
        # Every compose service's explicit URL agrees with what the entrypoint would pick.
        for name, service in compose_config()["services"].items():
            env = service.get("environment") or {}
            command = service.get("command") or []
            if "FLOODGATE_HEALTH_URL" in env and command:
                picked = url(command[0], **{k: str(v) for k, v in env.items()
                                            if k != "FLOODGATE_HEALTH_URL"})
                self.assertEqual(picked, env["FLOODGATE_HEALTH_URL"], name)

    def test_runtime_stage_installs_every_shared_library_the_binaries_load(self):
        installs = " ".join(self.of("runtime", "RUN"))
        listed = set(re.findall(r"\b(lib[a-z0-9.+-]+|ca-certificates|curl)\b", installs))
        closure = set(BASE_PACKAGES) | listed
        deps = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends",
                               "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
                               "--no-enhances", *sorted(listed)],
                              capture_output=True, text=True, check=True).stdout
        closure |= {line.split(":", 1)[1].strip().strip("<>")
                    for line in deps.splitlines() if "Depends:" in line}
        closure |= {line.strip() for line in deps.splitlines() if line and not line[0].isspace()}
        for exe in BINARIES:
            path = os.path.join(BINARY_DIR, "bin", exe)
            self.assertTrue(os.access(path, os.X_OK), f"{path} was not built")
            ldd = subprocess.run(["ldd", path], capture_output=True, text=True, check=True).stdout
            for lib in re.findall(r"=> (/\S+)", ldd):
                owner = subprocess.run(["dpkg", "-S", os.path.realpath(lib)],
                                       capture_output=True, text=True, check=False)
                if owner.returncode != 0:
                    owner = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True,
                                           check=False)
                self.assertEqual(owner.returncode, 0, f"{exe}: no package owns {lib}")
                package = owner.stdout.split(":", 1)[0]
                self.assertIn(package, closure, f"{exe} loads {lib} from {package}, "
                                                "which the runtime stage does not install")

    def test_dockerignore_keeps_local_state_out(self):
        ignored = read(".dockerignore").split()
        for entry in ("build", "build-*", ".run", ".git"):
            self.assertIn(entry, ignored)


if __name__ == "__main__":
    SOURCE_DIR, BINARY_DIR = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])
