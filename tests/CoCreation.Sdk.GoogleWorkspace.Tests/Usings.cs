global using CoCreation.Sdk.GoogleWorkspace.Tests.Support;
global using CoCreation.Sdk.Testing;
