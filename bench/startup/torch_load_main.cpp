// torch_load_main.cpp - does nothing: its start-up time is what loading
// LibTorch costs a process (bench/startup: the floor under `ftlab run`).
int main() {
  return 0;
}
