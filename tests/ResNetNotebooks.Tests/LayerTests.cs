using System.Reflection;
using System.Reflection.Emit;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Tests;

/// <summary>
/// The library's folders are its layers, and layers depend one way only: a type may use types of its own layer and
/// of the layers listed for it below, nothing else of the library. Checked on the compiled assembly (signatures,
/// base types, fields and every method body's IL, lambdas and iterators included), so a fully qualified name or a
/// <c>global using</c> cannot hide a dependency.
/// </summary>
public class LayerTests
{
    /// <summary>Layer → the other layers it may use.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Native"] = [],
        ["Data"] = ["Native"],
        ["Models"] = [],
        ["Inspection"] = ["Models"],
        ["Training"] = ["Models", "Data", "Native"],
        ["Interop"] = ["Models", "Training", "Native"],
        ["Display"] = ["Models", "Inspection", "Training", "Interop", "Data", "Native"],
        ["Notebooks"] = ["Models", "Inspection", "Display", "Training", "Interop", "Data", "Native"],
    };

    private static readonly Assembly Library = typeof(Residual).Assembly;

    [Fact]
    public void Every_type_of_the_library_lives_in_one_of_the_layers()
    {
        // Types the compiler or a source generator made (<PrivateImplementationDetails>, the [GeneratedRegex] classes)
        // have names in angle brackets or no namespace: they are not the library's code.
        var outside = Library.GetTypes()
            .Where(t => !t.IsNested && t.Namespace is not null && !t.Name.StartsWith('<'))
            .Where(t => !(Layer(t) is { } layer && Allowed.ContainsKey(layer)))
            .Select(t => t.FullName).ToList();

        Assert.Empty(outside);
    }

    [Fact]
    public void Models_use_nothing_else_of_the_library_and_Data_only_Native()
    {
        var violations = Violations().ToList();

        Assert.DoesNotContain(violations, v => v.StartsWith("Models ", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.StartsWith("Data ", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_layer_uses_only_the_layers_below_it()
    {
        Assert.Empty(Violations());
    }

    [Fact]
    public void The_check_sees_a_dependency_hidden_in_a_method_body()
    {
        // Inspection.ModelSummary calls Models.ShapeText only inside method bodies: the IL scan must find it.
        var used = UsedTypes(typeof(ResNetNotebooks.Inspection.ModelSummary)).ToList();

        Assert.Contains(typeof(ShapeText), used);
    }

    private static IEnumerable<string> Violations()
    {
        foreach (var type in Library.GetTypes())
        {
            var from = Layer(type);
            if (from is null || !Allowed.TryGetValue(from, out var allowed))
            {
                continue;
            }

            foreach (var used in UsedTypes(type).Distinct())
            {
                var to = Layer(used);
                if (used.Assembly == Library && to is not null && to != from && !allowed.Contains(to))
                {
                    yield return $"{from} → {to}: {type.FullName} uses {used.FullName}";
                }
            }
        }
    }

    /// <summary>The layer of a library type: the namespace part after <c>ResNetNotebooks.</c> (nested types: their outer type's).</summary>
    private static string? Layer(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        var parts = type.Namespace?.Split('.');
        return parts is { Length: >= 2 } && parts[0] == "ResNetNotebooks" ? parts[1] : null;
    }

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> UsedTypes(Type type)
    {
        var found = new List<Type>();
        void Add(Type? t)
        {
            if (t is null)
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
                return;
            }

            found.Add(t);
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                foreach (var argument in t.GetGenericArguments())
                {
                    Add(argument);
                }
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var field in type.GetFields(All))
        {
            Add(field.FieldType);
        }

        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            foreach (var member in MembersIn(method))
            {
                Add(member as Type ?? member.DeclaringType);
                switch (member)
                {
                    case FieldInfo f: Add(f.FieldType); break;
                    case MethodInfo m: Add(m.ReturnType); break;
                }
            }
        }

        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The fields, methods and types a method body refers to by metadata token.</summary>
    private static IEnumerable<MemberInfo> MembersIn(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[position++]);
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    var token = BitConverter.ToInt32(il, position);
                    yield return method.Module.ResolveMember(token, typeArguments, methodArguments)!;
                    position += 4;
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                default:
                    position += 4;
                    break;
            }
        }
    }
}
