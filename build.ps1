#!/usr/bin/env pwsh
# Thin wrapper over the dotnet commands the README gives.
#   ./build.ps1            build everything
#   ./build.ps1 test       run the tests (as CI does)
#   ./build.ps1 run [SPEC] run a study (default: the Branin example)
#   ./build.ps1 pack       the `hypertune` .NET tool in artifacts/ (then: dotnet tool install -g HyperTune.Cli
#                          with artifacts as its package source)
param(
    [ValidateSet('build', 'test', 'run', 'pack')]
    [string]$Target = 'build',
    [string]$Spec = 'config/studies/branin-random.json'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

switch ($Target) {
    'build' { dotnet build HyperTune.Cluster.sln }
    'test'  { dotnet test HyperTune.Cluster.sln }
    'run'   { dotnet run --project src/HyperTune.Cli -- run $Spec }
    'pack'  { dotnet pack src/HyperTune.Cli -c Release -o artifacts }
}
exit $LASTEXITCODE
