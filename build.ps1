#!/usr/bin/env pwsh
# Thin wrapper over the dotnet commands the README gives.
#   ./build.ps1            build everything
#   ./build.ps1 test       run the tests (as CI does)
#   ./build.ps1 run [SPEC] run a study (default: the Branin example)
param(
    [ValidateSet('build', 'test', 'run')]
    [string]$Target = 'build',
    [string]$Spec = 'config/studies/branin-random.json'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

switch ($Target) {
    'build' { dotnet build HyperTune.Cluster.sln }
    'test'  { dotnet test HyperTune.Cluster.sln }
    'run'   { dotnet run --project src/HyperTune.Cli -- run $Spec }
}
exit $LASTEXITCODE
