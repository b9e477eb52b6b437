package testenv

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// PrivateRedis starts a redis-server for this test alone, on a free loopback
// port, with its files in tb.TempDir(), and sets JIHAT_TEST_REDIS_URL and
// JIHAT_TEST_REDIS_CONF to it until the test ends, when it is killed. It
// returns the URL. Call it before KillRedis and StartRedis, which only act
// on such a server: killing the shared one would break the tests of other
// packages running at the same time. It uses tb.Setenv, so the test must not
// be parallel.
func PrivateRedis(tb testing.TB) string {
	tb.Helper()
	lookup(tb, EnvRedisURL) // skip, or fail, as for every other helper
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	dir := tb.TempDir()
	conf := filepath.Join(dir, "redis.conf")
	var addr string
	for try := 1; ; try++ {
		port, err := freePort()
		if err != nil {
			tb.Fatalf("testenv: free port: %v", err)
		}
		addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if err := os.WriteFile(conf, []byte(redisConf(dir, port)), 0o644); err != nil {
			tb.Fatalf("testenv: %v", err)
		}
		if err = startRedis(bin, conf, addr); err == nil {
			break
		}
		stopRedis(filepath.Join(dir, "redis.pid"), addr)
		if try == 5 {
			tb.Fatalf("testenv: start private Redis: %v", err)
		}
	}
	tb.Cleanup(func() {
		if err := stopRedis(filepath.Join(dir, "redis.pid"), addr); err != nil {
			tb.Errorf("testenv: stop private Redis: %v", err)
		}
	})
	url := "redis://" + addr + "/0"
	tb.Setenv(EnvRedisURL, url)
	tb.Setenv(EnvRedisConf, conf)
	tb.Setenv(envRedisPrivate, conf)
	return url
}

// KillRedis kills the test's own Redis (see PrivateRedis) with SIGKILL, the
// pid read from the pidfile named in JIHAT_TEST_REDIS_CONF, and waits until
// its port refuses connections. The test may start it again with StartRedis;
// either way PrivateRedis stops it when the test ends.
func KillRedis(tb testing.TB) {
	tb.Helper()
	conf, addr := privateConf(tb)
	pidfile, err := confValue(conf, "pidfile")
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	if err := stopRedis(pidfile, addr); err != nil {
		tb.Fatalf("testenv: kill Redis: %v", err)
	}
}

// StartRedis runs `redis-server JIHAT_TEST_REDIS_CONF` for the test's own
// Redis (see PrivateRedis) and waits until it answers PING. It does nothing
// when the server already answers.
func StartRedis(tb testing.TB) {
	tb.Helper()
	conf, addr := privateConf(tb)
	if ping(addr) == nil {
		return
	}
	if err := startRedis("redis-server", conf, addr); err != nil {
		tb.Fatalf("testenv: start Redis: %v", err)
	}
}

// privateConf returns the conf path and address of the Redis PrivateRedis
// started for this test, and fails the test when there is none.
func privateConf(tb testing.TB) (conf, addr string) {
	tb.Helper()
	conf = lookup(tb, EnvRedisConf)
	if os.Getenv(envRedisPrivate) != conf {
		tb.Fatal("testenv: KillRedis and StartRedis act on the test's own Redis: call testenv.PrivateRedis(t) first")
	}
	port, err := confValue(conf, "port")
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	return conf, net.JoinHostPort("127.0.0.1", port)
}

// redisConf is the configuration of a private Redis: loopback only, no
// persistence, daemonized, every file in dir.
func redisConf(dir string, port int) string {
	return fmt.Sprintf(`bind 127.0.0.1
port %d
protected-mode yes
daemonize yes
pidfile %s
logfile %s
dir %s
save ""
appendonly no
`, port, filepath.Join(dir, "redis.pid"), filepath.Join(dir, "redis.log"), dir)
}

// startRedis runs bin conf (which daemonizes) and waits until addr answers.
func startRedis(bin, conf, addr string) error {
	out, err := exec.Command(bin, conf).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", bin, conf, err, out)
	}
	return waitFor(10*time.Second, func() error { return ping(addr) })
}

// stopRedis kills the process in pidfile and waits until addr refuses
// connections. A pidfile naming no live process is not an error.
func stopRedis(pidfile, addr string) error {
	b, err := os.ReadFile(pidfile)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 && isRedis(pid) {
		if p, err := os.FindProcess(pid); err == nil {
			_ = p.Kill() // already gone is fine: the port check below decides
		}
	}
	err = waitFor(10*time.Second, func() error {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return nil
		}
		c.Close()
		return fmt.Errorf("%s still accepts connections", addr)
	})
	if err == nil {
		// Redis leaves its pidfile behind when killed; a stale pid could name
		// an unrelated process by the next stop.
		_ = os.Remove(pidfile)
	}
	return err
}

// isRedis reports whether pid is a redis-server, as far as /proc tells; where
// there is no /proc it trusts the pidfile.
func isRedis(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if errors.Is(err, os.ErrNotExist) {
		_, statErr := os.Stat("/proc/self")
		return statErr != nil
	}
	return err == nil && strings.Contains(string(b), "redis-server")
}

// ping sends PING to the Redis at addr and expects +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(2 * time.Second)); err != nil {
		return err
	}
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

// waitFor calls f every 20 ms until it returns nil or timeout passes, and
// returns f's last error.
func waitFor(timeout time.Duration, f func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// confValue returns the first argument of directive in a redis.conf.
func confValue(conf, directive string) (string, error) {
	f, err := os.Open(conf)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && strings.EqualFold(fields[0], directive) {
			return fields[1], nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s has no %s line", conf, directive)
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
