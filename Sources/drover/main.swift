import DroverCLI

await runDrover()
