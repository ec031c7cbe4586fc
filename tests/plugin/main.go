// docker-machine-driver-fake: a driver plugin for the tests, written against docker-machine's plugin protocol
// (docs/plugins.md) with Go's standard library only, as third-party plugins are. It drives no cloud: the
// "machine" is whatever SSH host --fake-ip-address points at (a test host), like the generic driver.
//
// Test hooks, from the environment the docker-machine process passes on:
//
//	FAKEPLUGIN_MODE   comma-separated: crash-start, hang-start, garbage, crash-create, hang-state,
//	                  fail-remove, legacy-service, version-2, no-close
//	FAKEPLUGIN_LOG    a file that gets one line per call (and the flag values SetConfigFromFlags received)
package main

import (
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/rpc"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// --- the protocol's shared types, registered under the names docker-machine's packages give them ---

type Flag interface {
	String() string
	Default() interface{}
}

type StringFlag struct {
	Name   string
	Usage  string
	EnvVar string
	Value  string
}

type IntFlag struct {
	Name   string
	Usage  string
	EnvVar string
	Value  int
}

type StringSliceFlag struct {
	Name   string
	Usage  string
	EnvVar string
	Value  []string
}

type BoolFlag struct {
	Name   string
	Usage  string
	EnvVar string
}

func (f StringFlag) String() string            { return f.Name }
func (f StringFlag) Default() interface{}      { return f.Value }
func (f IntFlag) String() string               { return f.Name }
func (f IntFlag) Default() interface{}         { return f.Value }
func (f StringSliceFlag) String() string       { return f.Name }
func (f StringSliceFlag) Default() interface{} { return f.Value }
func (f BoolFlag) String() string              { return f.Name }
func (f BoolFlag) Default() interface{}        { return nil }

type DriverOptions interface {
	String(key string) string
	StringSlice(key string) []string
	Int(key string) int
	Bool(key string) bool
}

type RPCFlags struct {
	Values map[string]interface{}
}

func (r RPCFlags) get(key string) interface{} {
	value, ok := r.Values[key]
	if !ok {
		fmt.Fprintf(os.Stderr, "Trying to access option %s which does not exist\n", key)
	}
	return value
}
func (r RPCFlags) String(key string) string        { v, _ := r.get(key).(string); return v }
func (r RPCFlags) StringSlice(key string) []string { v, _ := r.get(key).([]string); return v }
func (r RPCFlags) Int(key string) int              { v, _ := r.get(key).(int); return v }
func (r RPCFlags) Bool(key string) bool            { v, _ := r.get(key).(bool); return v }

func init() {
	gob.RegisterName("*rpcdriver.RPCFlags", new(RPCFlags))
	gob.RegisterName("*mcnflag.StringFlag", new(StringFlag))
	gob.RegisterName("*mcnflag.IntFlag", new(IntFlag))
	gob.RegisterName("*mcnflag.StringSliceFlag", new(StringSliceFlag))
	gob.RegisterName("*mcnflag.BoolFlag", new(BoolFlag))
}

// --- the driver ---

type Driver struct {
	IPAddress      string
	MachineName    string
	SSHUser        string
	SSHPort        int
	SSHKeyPath     string
	StorePath      string
	SwarmMaster    bool
	SwarmHost      string
	SwarmDiscovery string
	EnginePort     int
	SSHKey         string
	Tags           []string
	Verbose        bool
	Stopped        bool
}

const (
	stateRunning = 1
	stateStopped = 4
)

var (
	modes   = map[string]bool{}
	logMu   sync.Mutex
	logFile = os.Getenv("FAKEPLUGIN_LOG")
)

func record(format string, args ...interface{}) {
	if logFile == "" {
		return
	}
	logMu.Lock()
	defer logMu.Unlock()
	f, err := os.OpenFile(logFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, format+"\n", args...)
}

type Server struct {
	d         *Driver
	heartbeat chan bool
	closing   chan bool
}

func (s *Server) GetVersion(_ *struct{}, reply *int) error {
	record("GetVersion")
	*reply = 1
	if modes["version-2"] {
		*reply = 2
	}
	return nil
}

func (s *Server) Heartbeat(_, _ *struct{}) error {
	record("Heartbeat")
	s.heartbeat <- true
	return nil
}

func (s *Server) Close(_, _ *struct{}) error {
	record("Close")
	if !modes["no-close"] {
		s.closing <- true
	}
	return nil
}

func (s *Server) SetConfigRaw(data []byte, _ *struct{}) error {
	record("SetConfigRaw %s", data)
	return json.Unmarshal(data, s.d)
}

func (s *Server) GetConfigRaw(_ *struct{}, reply *[]byte) error {
	record("GetConfigRaw")
	data, err := json.Marshal(s.d)
	*reply = data
	return err
}

func (s *Server) GetCreateFlags(_ *struct{}, reply *[]Flag) error {
	record("GetCreateFlags")
	*reply = []Flag{
		StringFlag{Name: "fake-ip-address", Usage: "IP address of the host", EnvVar: "FAKE_IP_ADDRESS"},
		IntFlag{Name: "fake-ssh-port", Usage: "SSH port", EnvVar: "FAKE_SSH_PORT", Value: 22},
		StringFlag{Name: "fake-ssh-user", Usage: "SSH user", Value: "root"},
		StringFlag{Name: "fake-ssh-key", Usage: "SSH private key to import", EnvVar: "FAKE_SSH_KEY"},
		IntFlag{Name: "fake-engine-port", Usage: "Docker engine port", Value: 2376},
		StringSliceFlag{Name: "fake-tag", Usage: "Tags to remember", Value: []string{"default-tag"}},
		BoolFlag{Name: "fake-verbose", Usage: "Print more", EnvVar: "FAKE_VERBOSE"},
	}
	return nil
}

func (s *Server) SetConfigFromFlags(flags *DriverOptions, _ *struct{}) error {
	opts := *flags
	if rpcFlags, ok := opts.(*RPCFlags); ok {
		// What arrived, with the Go type of each value: {"name": ["int", 2376], ...}.
		typed := map[string][]interface{}{}
		for key, value := range rpcFlags.Values {
			typed[key] = []interface{}{fmt.Sprintf("%T", value), value}
		}
		data, _ := json.Marshal(typed)
		record("SetConfigFromFlags %s", data)
	}
	d := s.d
	d.IPAddress = opts.String("fake-ip-address")
	d.SSHPort = opts.Int("fake-ssh-port")
	d.SSHUser = opts.String("fake-ssh-user")
	d.SSHKey = opts.String("fake-ssh-key")
	d.EnginePort = opts.Int("fake-engine-port")
	d.Tags = opts.StringSlice("fake-tag")
	d.Verbose = opts.Bool("fake-verbose")
	d.SwarmMaster = opts.Bool("swarm-master")
	d.SwarmHost = opts.String("swarm-host")
	d.SwarmDiscovery = opts.String("swarm-discovery")
	if d.IPAddress == "" {
		return errors.New("fake driver requires the --fake-ip-address option")
	}
	return nil
}

func (s *Server) DriverName(_ *struct{}, reply *string) error {
	record("DriverName")
	*reply = os.Getenv("MACHINE_PLUGIN_DRIVER_NAME")
	return nil
}

func (s *Server) GetMachineName(_ *struct{}, reply *string) error {
	record("GetMachineName")
	*reply = s.d.MachineName
	return nil
}

func (s *Server) GetIP(_ *struct{}, reply *string) error {
	record("GetIP")
	if s.d.IPAddress == "" {
		return errors.New("IP address is not set")
	}
	*reply = s.d.IPAddress
	return nil
}

func (s *Server) GetSSHHostname(_ *struct{}, reply *string) error {
	record("GetSSHHostname")
	return s.GetIP(nil, reply)
}

func (s *Server) GetSSHKeyPath(_ *struct{}, reply *string) error {
	record("GetSSHKeyPath")
	*reply = s.d.SSHKeyPath
	return nil
}

func (s *Server) GetSSHPort(_ *struct{}, reply *int) error {
	record("GetSSHPort")
	*reply = s.d.SSHPort
	return nil
}

func (s *Server) GetSSHUsername(_ *struct{}, reply *string) error {
	record("GetSSHUsername")
	*reply = s.d.SSHUser
	return nil
}

func (s *Server) state() int {
	if s.d.Stopped {
		return stateStopped
	}
	address := net.JoinHostPort(s.d.IPAddress, strconv.Itoa(s.d.SSHPort))
	conn, err := net.DialTimeout("tcp", address, 3*time.Second)
	if err != nil {
		return stateStopped
	}
	conn.Close()
	return stateRunning
}

func (s *Server) GetState(_ *struct{}, reply *int) error {
	record("GetState")
	if modes["hang-state"] {
		time.Sleep(time.Hour)
	}
	*reply = s.state()
	return nil
}

func (s *Server) GetURL(_ *struct{}, reply *string) error {
	record("GetURL")
	if modes["hang-state"] {
		time.Sleep(time.Hour)
	}
	if s.state() != stateRunning {
		return errors.New("Host is not running")
	}
	*reply = "tcp://" + net.JoinHostPort(s.d.IPAddress, strconv.Itoa(s.d.EnginePort))
	return nil
}

func (s *Server) PreCreateCheck(_, _ *struct{}) error {
	record("PreCreateCheck")
	if s.d.SSHKey != "" {
		if _, err := os.Stat(s.d.SSHKey); err != nil {
			return fmt.Errorf("SSH key does not exist: %q", s.d.SSHKey)
		}
	}
	return nil
}

func (s *Server) Create(_, _ *struct{}) error {
	record("Create")
	fmt.Println("Creating a fake machine at " + s.d.IPAddress + "...")
	fmt.Fprintln(os.Stderr, "debug: tags are", strings.Join(s.d.Tags, ","))
	if modes["crash-create"] {
		fmt.Fprintln(os.Stderr, "fake plugin: crashing in Create as asked")
		os.Exit(3)
	}
	if s.d.SSHKey != "" {
		fmt.Println("Importing SSH key...")
		target := filepath.Join(s.d.StorePath, "machines", s.d.MachineName, "id_fake")
		if err := copyFile(s.d.SSHKey, target); err != nil {
			return fmt.Errorf("unable to copy ssh key: %s", err)
		}
		s.d.SSHKeyPath = target
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func (s *Server) Remove(_, _ *struct{}) error {
	record("Remove")
	if modes["fail-remove"] {
		return errors.New("fake plugin refuses to remove " + s.d.MachineName)
	}
	fmt.Println("Removing the fake machine...")
	return nil
}

func (s *Server) Start(_, _ *struct{}) error {
	record("Start")
	s.d.Stopped = false
	return nil
}

func (s *Server) Stop(_, _ *struct{}) error {
	record("Stop")
	s.d.Stopped = true
	return nil
}

func (s *Server) Restart(_, _ *struct{}) error {
	record("Restart")
	s.d.Stopped = false
	return nil
}

func (s *Server) Kill(_, _ *struct{}) error {
	record("Kill")
	s.d.Stopped = true
	return nil
}

func main() {
	if os.Getenv("MACHINE_PLUGIN_TOKEN") != "42" {
		fmt.Fprintln(os.Stderr, "This is a Docker Machine plugin binary.")
		fmt.Fprintln(os.Stderr, "Plugin binaries are not intended to be invoked directly.")
		fmt.Fprintln(os.Stderr, "Please use this plugin through the main 'docker-machine' binary.")
		fmt.Fprintln(os.Stderr, "(API version: 1)")
		os.Exit(1)
	}
	for _, mode := range strings.Split(os.Getenv("FAKEPLUGIN_MODE"), ",") {
		modes[strings.TrimSpace(mode)] = true
	}
	record("start pid=%d driver=%s", os.Getpid(), os.Getenv("MACHINE_PLUGIN_DRIVER_NAME"))
	switch {
	case modes["crash-start"]:
		fmt.Fprintln(os.Stderr, "panic: fake plugin crashed at start")
		os.Exit(2)
	case modes["hang-start"]:
		time.Sleep(time.Hour)
		return
	case modes["garbage"]:
		fmt.Println("this is not an address")
		time.Sleep(time.Hour)
		return
	}

	server := &Server{d: &Driver{}, heartbeat: make(chan bool), closing: make(chan bool)}
	rpcServer := rpc.NewServer()
	name := "RPCServerDriver"
	if modes["legacy-service"] {
		name = "RpcServerDriver"
	}
	if err := rpcServer.RegisterName(name, server); err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle(rpc.DefaultRPCPath, rpcServer)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(listener.Addr())
	go http.Serve(listener, mux)

	for {
		select {
		case <-server.closing:
			record("exit 0")
			os.Exit(0)
		case <-server.heartbeat:
		case <-time.After(10 * time.Second):
			record("exit 1: no heartbeat")
			os.Exit(1)
		}
	}
}
