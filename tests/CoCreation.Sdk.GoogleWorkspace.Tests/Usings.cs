global using CoCreation.Sdk.GoogleWorkspace.Tests.Support;
